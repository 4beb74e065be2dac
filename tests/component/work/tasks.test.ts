import 'fake-indexeddb/auto';
import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { URLS } from '../../../src/client/api';
import { loadMyTasks, matchesFilters } from '../../../src/client/features/field/work/tasks';
import { jsonResponse, meOf, stubFetch } from '../fixtures';
import { mountApp } from '../mountApp';
import { dropUserDb } from '../support';
import { ME, NOW, workWorld } from './world';

function offlineExceptMe() {
  stubFetch((url) => (url === URLS.me ? jsonResponse(200, meOf('grid_worker')) : Promise.reject(new TypeError('Failed to fetch'))));
}

describe('task filters', () => {
  it('applies every selected filter', () => {
    const card = { task: { shift: 'night', unannounced: true }, timing: { dueToday: true, overdue: false } } as Parameters<typeof matchesFilters>[0];
    expect(matchesFilters(card, new Set(['today', 'night', 'unannounced']))).toBe(true);
    expect(matchesFilters(card, new Set(['overdue']))).toBe(false);
  });
});

describe('my tasks', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await dropUserDb(ME.id);
  });

  it('reads open tasks of the user due today or overdue, overdue first, with route progress', async () => {
    const { db } = await workWorld();
    const cards = await loadMyTasks(db, ME.id, NOW);
    expect(cards.map((c) => c.task.title)).toEqual(['逾期回头看', '日查路线', '夜查暗访']);
    expect(cards.map((c) => [c.visited, c.total])).toEqual([[0, 1], [1, 3], [0, 1]]);
  });

  it('lists the cards and narrows them with the filter chips', async () => {
    await workWorld();
    offlineExceptMe();
    const { wrapper } = await mountApp('/field/tasks');
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="task-card"]')).toHaveLength(3));
    const titles = () => wrapper.findAll('[data-test="task-title"]').map((t) => t.text());
    expect(titles()).toEqual(['逾期回头看', '日查路线', '夜查暗访']);
    expect(wrapper.findAll('[data-test="task-progress"]').map((p) => p.text())).toEqual(['已查 0/1', '已查 1/3', '已查 0/1']);
    expect(wrapper.findAll('[data-test="task-unannounced"]')).toHaveLength(1);

    await wrapper.find('[data-test="filter-overdue"]').trigger('click');
    expect(titles()).toEqual(['逾期回头看']);
    await wrapper.find('[data-test="filter-overdue"]').trigger('click');
    await wrapper.find('[data-test="filter-today"]').trigger('click');
    expect(titles()).toEqual(['日查路线', '夜查暗访']);
    await wrapper.find('[data-test="filter-night"]').trigger('click');
    expect(titles()).toEqual(['夜查暗访']);
    await wrapper.find('[data-test="filter-today"]').trigger('click');
    await wrapper.find('[data-test="filter-night"]').trigger('click');
    await wrapper.find('[data-test="filter-unannounced"]').trigger('click');
    expect(titles()).toEqual(['夜查暗访']);
  });

  it('shows today\'s counts on the field home', async () => {
    await workWorld();
    offlineExceptMe();
    const { wrapper } = await mountApp('/field');
    await vi.waitFor(() => expect(wrapper.find('[data-test="today-due"]').text()).toBe('2'));
    expect(wrapper.find('[data-test="today-overdue"]').text()).toBe('1');
  });

  it('shows the route in order with visited marks, and starts the task', async () => {
    const { db, tasks } = await workWorld();
    offlineExceptMe();
    const { wrapper } = await mountApp(`/field/tasks/${tasks.today.id}`);
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="route-stop"]')).toHaveLength(3));
    expect(wrapper.findAll('[data-test="stop-name"]').map((n) => n.text())).toEqual(['学府咖啡', '阳光大厦', '东门小区']);
    expect(wrapper.findAll('[data-test="route-stop"]').map((s) => s.attributes('data-visited'))).toEqual(['false', 'true', 'false']);
    const stopText = wrapper.findAll('[data-test="route-stop"]').map((s) => s.text());
    expect(stopText[1]).toContain('重点对象 1');
    expect(stopText[1]).toContain('上次检查 5月13日');
    expect(stopText[2]).toContain('上次检查 5月2日');
    expect(stopText[0]).toContain('本机无检查记录');

    await wrapper.find('[data-test="task-start"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-test="task-status"]').text()).toBe('执行中'));
    expect((await db.outbox.toArray()).map((e) => e.name)).toEqual(['task.start@1']);
  });

  it('asks for a reason before completing a task with unvisited places', async () => {
    const { db, tasks } = await workWorld();
    await db.tasks.update(tasks.today.id, { status: 'in_progress' });
    offlineExceptMe();
    const { wrapper } = await mountApp(`/field/tasks/${tasks.today.id}`);
    await vi.waitFor(() => expect(wrapper.find('[data-test="task-complete"]').exists()).toBe(true));
    await wrapper.find('[data-test="task-complete"]').trigger('click');
    await flushPromises();
    const form = document.body.querySelector('[data-test="complete-reason"]') as HTMLFormElement;
    expect(form.textContent).toContain('还有 2 处场所');
    form.dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(form.textContent).toContain('请填写原因');
    expect(await db.outbox.count()).toBe(0);
    const textarea = form.querySelector('textarea')!;
    textarea.value = '场所已拆除';
    textarea.dispatchEvent(new Event('input'));
    form.dispatchEvent(new Event('submit'));
    await vi.waitFor(async () => expect((await db.outbox.toArray()).map((e) => e.name)).toEqual(['task.complete@1']));
    const [entry] = await db.outbox.toArray();
    expect((entry!.args as { visitIds: string[] }).visitIds).toHaveLength(1);
    // The reason travels to the server and stays on the task.
    expect((entry!.args as { note?: string }).note).toBe('场所已拆除');
    expect((await db.tasks.get(tasks.today.id))?.completionNote).toBe('场所已拆除');
  });

  it('starts a visit at a route place through the visit form route', async () => {
    const { tasks, places } = await workWorld();
    offlineExceptMe();
    const { wrapper, router } = await mountApp(`/field/tasks/${tasks.overdue.id}`);
    await vi.waitFor(() => expect(wrapper.find('[data-test="stop-start"]').exists()).toBe(true));
    const push = vi.spyOn(router, 'push');
    await wrapper.find('[data-test="stop-start"]').trigger('click');
    await vi.waitFor(() => expect(push).toHaveBeenCalled());
    expect(push.mock.calls[0]![0]).toEqual({
      path: '/field/visit/new',
      query: { placeId: places[1]!.id, taskId: tasks.overdue.id, from: `/field/tasks/${tasks.overdue.id}` },
    });
  });

  it('brings the worker back to the task from a visit left half done, and marks its place 草稿 with 继续检查', async () => {
    const { tasks } = await workWorld();
    offlineExceptMe();
    const { wrapper, router } = await mountApp(`/field/tasks/${tasks.overdue.id}`);
    await vi.waitFor(() => expect(wrapper.find('[data-test="stop-start"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="stop-draft"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="stop-start"]').text()).toBe('开始检查');

    await wrapper.get('[data-test="stop-start"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-test="answer-A1-no"]').exists()).toBe(true));
    await wrapper.get('[data-test="answer-A1-no"]').trigger('click');
    await wrapper.get('.app-header__back').trigger('click');

    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe(`/field/tasks/${tasks.overdue.id}`));
    await vi.waitFor(() => expect(wrapper.find('[data-test="stop-draft"]').exists()).toBe(true));
    expect(wrapper.get('[data-test="stop-draft"]').text()).toBe('有未完成的检查草稿');
    expect(wrapper.get('[data-test="stop-mark"]').text()).toBe('未检查');
    expect(wrapper.get('[data-test="stop-start"]').text()).toBe('继续检查');
  });

  it("sends the visit form's back arrow to the task its address names, even without `from` (a reload)", async () => {
    const { tasks, places } = await workWorld();
    offlineExceptMe();
    const { wrapper } = await mountApp(`/field/visit/new?placeId=${places[1]!.id}&taskId=${tasks.overdue.id}`);
    await vi.waitFor(() => expect(wrapper.find('[data-test="finish"]').exists()).toBe(true));
    expect(wrapper.get('.app-header__back').attributes('href')).toBe(`/field/tasks/${tasks.overdue.id}`);
  });

  it('shows a place with managers, listed subjects and visits on this device', async () => {
    const { places } = await workWorld();
    offlineExceptMe();
    const { wrapper } = await mountApp(`/field/places/${places[0]!.id}`);
    await vi.waitFor(() => expect(wrapper.find('[data-test="place-name"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="place-subjects"]').text()).toContain('某培训工作室');
    expect(wrapper.find('[data-test="place-subjects"]').text()).not.toContain('已出账机构');
    expect(wrapper.findAll('[data-test="place-visits"] li')).toHaveLength(1);
  });

  it('searches the grid\'s places by name or address', async () => {
    await workWorld();
    offlineExceptMe();
    const { wrapper } = await mountApp('/field/places-all');
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="place-row"]')).toHaveLength(4));
    await wrapper.find('[data-test="place-search"] input').setValue('咖啡');
    expect(wrapper.findAll('[data-test="place-row"]').map((r) => r.text())).toEqual([expect.stringContaining('学府咖啡')]);
  });
});
