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
    const result = transitionCase(caseFromRow(row), { id: eventId, to, by: viewer.user.id, at, note: note ?? null, evidence });
    if (!result.ok) throw new Rejection(result.code, result.message);
    if (result.duplicate) return { ...outcome, status: 'duplicate' as const };
    if (!mayMoveCaseTo(viewer.user.role, to)) {
      throw new Rejection('forbidden', '立案、办结和退回整改须由乡镇协调员或县级管理员操作');
    }
    await attachEvidence(ctx, evidence, { entity: 'case', rowId: caseId, keys: keysOf(row), placeId: row.place_id });
    await ctx.trx
      .updateTable('cases')
      .set({ status: result.case.status, deadline_at: result.case.deadlineAt, events: JSON.stringify(result.case.events), version: row.version + 1 })
      .where('id', '=', caseId)
      .execute();
    return outcome;
  },
});
