import { mayMoveCaseTo, transitionCase } from '../../../domain/cases';
import { caseFromRow } from '../../cases/rows';
import { keysInScope, keysOf } from '../access';
import { attachEvidence, defineMutation, Rejection } from '../registry';

export const caseTransition = defineMutation('case.transition@1', {
  prefetch: ({ evidence }) => ({ blobs: evidence }),
  async handle(ctx, { caseId, eventId, to, at, note, evidence }) {
    const { viewer } = ctx;
    const outcome = { entity: 'case', entityId: caseId };
    const row = await ctx.trx.selectFrom('cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
    if (!row || !keysInScope(viewer, row)) throw new Rejection('case_not_found', '案件不存在或不在您的管辖范围内');
    const current = caseFromRow(row);
    if (current.events.some((e) => e.id === eventId)) return { ...outcome, status: 'duplicate' as const };
    const result = transitionCase(current, { to, by: viewer.user.id, at, note: note ?? null, evidence });
    if (!result.ok) throw new Rejection(result.code, result.message);
    if (!mayMoveCaseTo(viewer.user.role, to)) {
      throw new Rejection('forbidden', '立案、办结和退回整改须由乡镇协调员或县级管理员操作');
    }
    await attachEvidence(ctx, evidence, { entity: 'case', rowId: caseId, keys: keysOf(row), placeId: row.place_id });
    const events = result.case.events.map((e, i) => (i === result.case.events.length - 1 ? { id: eventId, ...e } : e));
    await ctx.trx
      .updateTable('cases')
      .set({ status: result.case.status, deadline_at: result.case.deadlineAt, events: JSON.stringify(events), version: row.version + 1 })
      .where('id', '=', caseId)
      .execute();
    return outcome;
  },
});
