/** A submitted visit is read-only; 更正 starts a correction prefilled from it. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllUserDbs } from '../../../src/client/db/database';
import { submitVisit } from '../../../src/client/db/repositories';
import VisitShow from '../../../src/client/features/field/visit/VisitShow.vue';
import VisitNew from '../../../src/client/features/field/visit/VisitNew.vue';
import { CHECKLIST_V1 } from '../../../src/domain/checklist';
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
