import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { URLS } from '../../../src/client/api';
import { CHECKLIST_V1 } from '../../../src/domain/checklist';
import { openUserDb } from '../../../src/client/db/database';
import { startTask } from '../../../src/client/db/repositories';
import { makePlace, makeTask, makeVisit } from '../../factories';
import { jsonResponse, meOf, storeSession, stubFetch, userOf } from '../fixtures';
import { mountApp } from '../mountApp';
import { dropUserDb } from '../support';

const ME = userOf('grid_worker');

async function seed() {
  storeSession('grid_worker', true);
  const db = openUserDb(ME.id);
  const task = makeTask({ townshipId: ME.regionId, gridId: ME.regionId, assigneeIds: [ME.id], placeIds: [ME.regionId], createdBy: ME.id });
  await db.tasks.put(task);
  await startTask(db, task.id, { now: () => new Date(Date.now() - 2 * 3600_000) });
  await db.rejections.put({
    seq: 7,
    name: 'subject.update@1',
    args: {},
    code: 'forbidden',
    reason: '',
    at: '2025-05-12T02:00:00.000Z',
    rejectedAt: '2025-05-12T03:00:00.000Z',
    keys: [],
  });
  return db;
}

describe('sync page', () => {
  afterEach(async () => {
    await dropUserDb(ME.id);
  });

  it('shows pending work, its age, rejections with advice, and the badge', async () => {
    await seed();
    stubFetch((url) => (url === URLS.me ? jsonResponse(200, meOf('grid_worker')) : Promise.reject(new TypeError('Failed to fetch'))));
    const { wrapper } = await mountApp('/field/sync');
    await vi.waitFor(() => expect(wrapper.find('[data-test="sync-pending"]').text()).toBe('1 条'));
    expect(wrapper.find('[data-test="sync-oldest"]').text()).toBe('2 小时前保存');
    expect(wrapper.find('[data-test="sync-last"]').text()).toBe('从未同步');
    // The device is online but every request failed: the page must not claim all is well.
    await vi.waitFor(() => expect(wrapper.find('[data-test="sync-network"]').text()).toBe('已联网，连不上服务器'));
    const rejection = wrapper.find('[data-test="sync-rejection"]');
    expect(rejection.text()).toContain('重点对象修改');
    expect(rejection.text()).toContain('没有权限执行此操作');
    expect(rejection.text()).toContain('请联系乡镇协调员');
    expect(wrapper.find('[data-test="sync-badge-count"]').text()).toBe('1');
    expect(wrapper.find('[data-test="sync-badge-warning"]').exists()).toBe(true);
  });

  it('says in the headline that changes were refused, and names the place of a refused visit', async () => {
    storeSession('grid_worker', true);
    const db = openUserDb(ME.id);
    const place = makePlace({ gridId: ME.regionId, name: '阳光大厦' });
    await db.places.put(place);
    const rejected = { code: 'validation_failed', reason: '', at: '2025-05-12T02:00:00.000Z', rejectedAt: '2025-05-12T03:00:00.000Z', keys: [] };
    await db.rejections.bulkPut([
      { seq: 3, name: 'visit.submit@1', args: { visit: makeVisit({ placeId: place.id, inspectorIds: [ME.id], templateId: CHECKLIST_V1.id }) }, ...rejected },
      // A record this device does not hold: the card keeps the generic label.
      { seq: 4, name: 'subject.update@1', args: { id: '01900000-0000-7000-8000-0000000000aa' }, ...rejected },
    ]);
    stubFetch((url) => (url === URLS.me ? jsonResponse(200, meOf('grid_worker')) : Promise.reject(new TypeError('Failed to fetch'))));
    const { wrapper } = await mountApp('/field/sync');
    await vi.waitFor(() => expect(wrapper.find('[data-test="sync-pending"]').text()).toBe('0 条'));
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="sync-rejection-label"]').map((l) => l.text())).toEqual(['检查记录：阳光大厦', '重点对象修改']));
    const headline = wrapper.get('[data-test="sync-headline"]');
    expect(headline.text()).toBe('有 2 条更改被服务器拒绝');
    expect(headline.classes()).toContain('sync-page__headline--warn');
  });

  it('exports the unsent work to a file', async () => {
    await seed();
    stubFetch((url) => (url === URLS.me ? jsonResponse(200, meOf('grid_worker')) : Promise.reject(new TypeError('Failed to fetch'))));
    const createObjectURL = vi.fn((_: Blob) => 'blob:unsent');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const { wrapper } = await mountApp('/field/sync');
    await vi.waitFor(() => expect(wrapper.find('[data-test="sync-pending"]').text()).toBe('1 条'));
    await wrapper.find('[data-test="sync-export"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-test="sync-exported"]').exists()).toBe(true));
    expect(click).toHaveBeenCalledOnce();
    const file = JSON.parse(await createObjectURL.mock.calls[0]![0].text()) as { mutations: { name: string }[] };
    expect(file.mutations.map((m) => m.name)).toEqual(['task.start@1']);
    expect(wrapper.find('[data-test="sync-exported"]').text()).toContain('网格巡查-未同步数据');
  });

  it('offers a re-login when the server refused the token, and resumes syncing after it', async () => {
    await seed();
    const calls: string[] = [];
    stubFetch((url) => {
      calls.push(url);
      if (url === URLS.me) return jsonResponse(200, meOf('grid_worker'));
      if (url === URLS.login) return jsonResponse(200, { token: 'tok-new', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), user: ME });
      return jsonResponse(401, { error: { code: 'unauthenticated', message: '登录已过期' } });
    });
    const { wrapper } = await mountApp('/field/sync');
    await vi.waitFor(() => expect(wrapper.find('[data-test="reauth-form"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="sync-badge-warning"]').exists()).toBe(true);
    const pushesBefore = calls.filter((u) => u === URLS.syncPush).length;
    await wrapper.find('input[name="reauth-password"]').setValue('demo1234');
    await wrapper.find('[data-test="reauth-form"]').trigger('submit');
    await vi.waitFor(() => expect(calls.filter((u) => u === URLS.syncPush).length).toBeGreaterThan(pushesBefore), { timeout: 5000 });
    // Still 401 from the fake server: the outbox is untouched.
    expect(await openUserDb(ME.id).outbox.count()).toBe(1);
  });
});
