/** The building manager's places, reports and report form: their own data only, nothing covert. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { closeAllUserDbs } from '../../../src/client/db/database';
import { openCase, transitionCase } from '../../../src/client/db/repositories';
import CaseList from '../../../src/client/features/field/manager/CaseList.vue';
import CaseNew from '../../../src/client/features/field/manager/CaseNew.vue';
import PlaceList from '../../../src/client/features/field/manager/PlaceList.vue';
import PlaceShow from '../../../src/client/features/field/manager/PlaceShow.vue';
import { makePlace } from '../../factories';
import { settle } from '../support';
import { fieldWorld, mountView, passThrough, photoFile } from '../visit/harness';

afterEach(() => closeAllUserDbs());

describe('building manager', () => {
  it('lists only the places they manage', async () => {
    const w = await fieldWorld('building_manager');
    await w.db.places.put(makePlace({ gridId: w.grid.id, name: '别人的楼', managerIds: [] }));
    const { wrapper } = await mountView(PlaceList, {});
    await settle(() => wrapper.find('[data-test="place"]').exists());
    expect(wrapper.findAll('[data-test="place"]').map((p) => p.text())).toEqual([expect.stringContaining('阳光大厦')]);
  });

  it('opens a building_manager case from the report form, with photos', async () => {
    const w = await fieldWorld('building_manager');
    const scrolled: Element[] = [];
    const spy = vi.spyOn(Element.prototype, 'scrollIntoView').mockImplementation(function (this: Element) {
      scrolled.push(this);
    });
    onTestFinished(() => spy.mockRestore());
    const { wrapper } = await mountView(CaseNew, { compress: passThrough });
    await settle(() => wrapper.find('[data-test="report-place"]').exists());

    await wrapper.get('[data-test="report-submit"]').trigger('click');
    await settle();
    expect(wrapper.get('[data-test="report-problems"]').text()).toContain('请填写情况说明');
    expect(await w.db.cases.count()).toBe(0);
    // The list sits below the form, off-screen on a phone: it is brought into view.
    expect(scrolled).toEqual([wrapper.get('[data-test="report-problems"]').element]);

    await wrapper.get('[data-test="report-place"]').trigger('click');
    await wrapper.get('[data-test="report-category-premises_management"]').trigger('click');
    await wrapper.get('[data-test="report-summary"]').setValue('501 室每晚 18:30 有十余名初中生进出，疑似补课');
    // The limit shows as the text grows: nothing is cut off unseen.
    expect(wrapper.get('[data-test="char-count"]').text()).toBe('28/4000');
    expect(wrapper.get('[data-test="report-summary"]').attributes('maxlength')).toBe('4000');
    const input = wrapper.get('[data-test="photo-input"]');
    Object.defineProperty(input.element, 'files', { value: [photoFile()], configurable: true });
    await input.trigger('change');
    await settle(() => wrapper.find('[data-test="photo"] img').exists());
    await wrapper.get('[data-test="report-submit"]').trigger('click');
    await settle(() => wrapper.find('[data-test="report-saved"]').exists());

    const [opened] = await w.db.cases.toArray();
    expect(opened).toMatchObject({
      source: 'building_manager',
      placeId: w.place.id,
      gridId: w.grid.id,
      townshipId: w.township.id,
      categories: ['premises_management'],
      summary: '501 室每晚 18:30 有十余名初中生进出，疑似补课',
      reportedBy: w.userId,
      status: 'pending_verification',
    });
    expect(opened!.events[0]!.evidence).toHaveLength(1);
    const outbox = await w.db.outbox.toArray();
    expect(outbox.map((e) => e.name)).toEqual(['case.open@1']);
    expect(outbox[0]!.blobRefs).toEqual(opened!.events[0]!.evidence);
  });

  it('reports only about one of their own places, and writes nothing without one', async () => {
    const w = await fieldWorld('building_manager');
    await w.db.places.put(makePlace({ gridId: w.grid.id, name: '别人的楼', managerIds: [] }));
    const { wrapper } = await mountView(CaseNew, { compress: passThrough });
    await settle(() => wrapper.find('[data-test="report-place"]').exists());
    // The only choices are their own places: no free address, no place someone else manages.
    expect(wrapper.findAll('[role="radio"]').map((o) => o.attributes('data-test'))).toEqual(['report-place']);
    expect(wrapper.get('[data-test="report-place"]').text()).toContain('阳光大厦');
    await wrapper.get('[data-test="report-summary"]').setValue('周末有学生集中上课');
    await wrapper.get('[data-test="report-submit"]').trigger('click');
    await settle();
    expect(wrapper.text()).toContain('请选择发现线索的场所');
    expect(await w.db.cases.count()).toBe(0);
    expect(await w.db.outbox.count()).toBe(0);
  });

  it('lists their reports with status, and the closing note once closed', async () => {
    const w = await fieldWorld('building_manager');
    const base = { source: 'building_manager' as const, gridId: w.grid.id, townshipId: w.township.id, placeId: w.place.id };
    await openCase(w.db, { ...base, summary: '疑似补课 A', reportedAt: '2026-05-01T10:00:00+08:00' });
    const closed = await openCase(w.db, { ...base, summary: '疑似补课 B', reportedAt: '2026-05-02T10:00:00+08:00' });
    for (const [to, note] of [['verifying', null], ['unfounded', '系亲属辅导'], ['closed', '经核查为亲属辅导，不属实']] as const)
      await transitionCase(w.db, closed.id, { to, note });

    const { wrapper } = await mountView(CaseList, {});
    await settle(() => wrapper.findAll('[data-test="report"]').length === 2);
    const rows = wrapper.findAll('[data-test="report"]');
    expect(rows[0]!.get('[data-test="report-status"]').text()).toBe('已办结');
    expect(rows[0]!.get('[data-test="report-result"]').text()).toContain('经核查为亲属辅导，不属实');
    expect(rows[1]!.get('[data-test="report-status"]').text()).toBe('待核查');
    expect(rows[1]!.find('[data-test="report-result"]').exists()).toBe(false);
    // When, in Beijing time as a list shows it: the day and the hour, the year only when it is not this one.
    expect(rows[1]!.get('time').text()).toMatch(/^(2026年)?5月1日 10:00$/);
  });

  it('shows a place with its kind, address, self-checks and reports', async () => {
    const w = await fieldWorld('building_manager');
    await openCase(w.db, { source: 'building_manager', gridId: w.grid.id, townshipId: w.township.id, placeId: w.place.id, summary: '疑似补课', reportedAt: '2026-05-01T10:00:00+08:00' });
    const { wrapper } = await mountView(PlaceShow, { id: w.place.id });
    await settle(() => wrapper.find('[data-test="place-facts"]').exists());
    expect(wrapper.get('[data-test="place-facts"]').text()).toContain('居民楼');
    expect(wrapper.get('[data-test="start-self-check"]').attributes('href')).toBe(`/field/self-check?placeId=${w.place.id}`);
    expect(wrapper.findAll('[data-test="report"]')).toHaveLength(1);
    expect(wrapper.text()).not.toMatch(/任务|暗访|四不两直|台账/);
  });
});
