/** A submitted visit is read-only; 更正 starts a correction prefilled from it; its receipt says where it is. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllUserDbs } from '../../../src/client/db/database';
import { submitVisit } from '../../../src/client/db/repositories';
import VisitShow from '../../../src/client/features/field/visit/VisitShow.vue';
import VisitNew from '../../../src/client/features/field/visit/VisitNew.vue';
import { CHECKLIST_V1 } from '../../../src/domain/checklist';
import { findingsFromAnswers } from '../../../src/domain/rules';
import { useSyncStore } from '../../../src/client/stores/sync';
import { makeVisit } from '../../factories';
import { fieldWorld, mountView, passThrough } from './harness';
import { settle } from '../support';

afterEach(() => closeAllUserDbs());

describe('VisitShow and corrections', () => {
  it('shows answers, hash and sync state, and 更正 makes a new visit that amends the original', async () => {
    const w = await fieldWorld('grid_worker');
    const { hash: _h, prevHash: _p, ...draft } = makeVisit({
      placeId: w.place.id,
      inspectorIds: [w.userId],
      templateId: CHECKLIST_V1.id,
      answers: [
        { itemCode: 'A1', value: false, evidence: [] },
        { itemCode: 'J1', value: false, evidence: [] },
      ],
      outcome: 'no_issue',
    });
    const { visit } = await submitVisit(w.db, draft);

    const shown = await mountView(VisitShow, { id: visit.id });
    await settle(() => shown.wrapper.find('[data-test="visit-show"]').exists());
    expect(shown.wrapper.get('[data-test="hash"]').text()).toBe(visit.hash);
    expect(shown.wrapper.get('[data-test="answer-J1"]').text()).toContain('否');
    expect(shown.wrapper.get('[data-test="sync-state"]').text()).toBe('待同步');
    expect(shown.wrapper.find('textarea, input').exists()).toBe(false);
    const amend = shown.wrapper.get('[data-test="amend"]');
    expect(amend.attributes('href')).toBe(`/field/visit/new?placeId=${w.place.id}&amends=${visit.id}`);
    shown.wrapper.unmount();

    const { wrapper, router } = await mountView(VisitNew, { placeId: w.place.id, amends: visit.id, compress: passThrough });
    await settle(() => wrapper.find('[data-test="finish"]').exists());
    expect(wrapper.get('[data-test="answer-J1-no"]').attributes('aria-pressed')).toBe('true');
    await wrapper.get('[data-test="answer-J2-no"]').trigger('click');
    await wrapper.get('[data-test="finish"]').trigger('click');
    await settle(() => router.currentRoute.value.name === 'field-visit');

    const amended = (await w.db.visits.toArray()).find((v) => v.id !== visit.id)!;
    expect(amended).toMatchObject({ amendsVisitId: visit.id, prevHash: visit.hash, startedAt: visit.startedAt });
    expect(amended.answers.map((a) => a.itemCode)).toEqual(['A1', 'J1', 'J2']);
    expect(await w.db.visits.get(visit.id)).toEqual(visit);
    const names = (await w.db.outbox.orderBy('seq').toArray()).map((e) => e.name);
    expect(names).toEqual(['visit.submit@1', 'visit.amend@1']);
  });

  it('offers 更正 only to the inspectors of the visit', async () => {
    const w = await fieldWorld('grid_worker');
    const byOther = makeVisit({ placeId: w.place.id, inspectorIds: ['01900000-0000-7000-8000-0000000000f1'], templateId: CHECKLIST_V1.id, outcome: 'no_issue' });
    await w.db.visits.add(byOther);
    const shown = await mountView(VisitShow, { id: byOther.id });
    await settle(() => shown.wrapper.find('[data-test="visit-show"]').exists());
    expect(shown.wrapper.find('[data-test="amend"]').exists()).toBe(false);
  });
});

describe('VisitShow: findings and the receipt', () => {
  const D3_NOTE = '直播课录屏后在晚间播放';

  async function visitWithDerivedAndOwnFinding(w: Awaited<ReturnType<typeof fieldWorld>>) {
    const answers = [
      { itemCode: 'A1', value: true, evidence: [] },
      { itemCode: 'D3', value: true, note: D3_NOTE, evidence: [] },
    ];
    const own = { category: 'other' as const, description: '负责人拒绝出示收费凭证', evidence: [] };
    const { hash: _h, prevHash: _p, ...draft } = makeVisit({
      placeId: w.place.id,
      inspectorIds: [w.userId],
      templateId: CHECKLIST_V1.id,
      answers,
      findings: [...findingsFromAnswers(CHECKLIST_V1, answers), own],
      outcome: 'issue_found',
    });
    return (await submitVisit(w.db, draft)).visit;
  }

  it('lists under 其他问题记录 only the inspector\'s own findings, not the one its D3 answer produced', async () => {
    const w = await fieldWorld('grid_worker');
    const visit = await visitWithDerivedAndOwnFinding(w);
    expect(visit.findings).toHaveLength(2);

    const { wrapper } = await mountView(VisitShow, { id: visit.id });
    await settle(() => wrapper.find('[data-test="visit-show"]').exists());
    expect(wrapper.get('[data-test="answer-D3"]').text()).toContain(D3_NOTE);
    const others = wrapper.findAll('[data-test="other-finding"]').map((f) => f.text());
    expect(others).toEqual([expect.stringContaining('负责人拒绝出示收费凭证')]);
    // The note is on the page once: with its answer.
    expect(wrapper.text().split(D3_NOTE)).toHaveLength(2);
  });

  it('says where the saved record is: on the device while offline, on its way online, then on the server', async () => {
    const w = await fieldWorld('grid_worker');
    const visit = await visitWithDerivedAndOwnFinding(w);
    const { wrapper } = await mountView(VisitShow, { id: visit.id, saved: true });
    await settle(() => wrapper.find('[data-test="receipt-sync"]').exists());
    const sync = useSyncStore();

    sync.online = false;
    await settle();
    expect(wrapper.get('[data-test="receipt-sync"]').text()).toBe('待同步：已保存在本机，联网后将自动同步');

    sync.online = true;
    await settle();
    expect(wrapper.get('[data-test="receipt-sync"]').text()).toBe('正在同步到服务器…');
    expect(wrapper.text()).not.toContain('联网后将自动同步');

    // The server confirmed it: the outbox entry is gone.
    await w.db.outbox.clear();
    await settle(() => wrapper.get('[data-test="receipt-sync"]').text() === '已同步到服务器', 'the synced wording');
    expect(wrapper.get('[data-test="sync-state"]').text()).toBe('已同步');
  });
});
