import { caseOpening, caseOpeningRefusal, newCase } from '../../../domain/cases';
import { caseToRow } from '../../cases/rows';
import type { ScopeKeys } from '../../scope/keys';
import { keysInScope, keysOf, keysOfGrid, placeForCaller } from '../access';
import { attachEvidence, defineMutation, Rejection } from '../registry';

/**
 * A new clue/case, insert-if-absent by id; the server decides who reported it (the caller), its
 * status and deadline. A building manager reports only about their own places (`building_manager`),
 * a grid worker from patrol (`patrol`); coordinators and admins may record any source.
 */
export const caseOpen = defineMutation('case.open@1', {
  prefetch: ({ case: c }) => ({ places: c.placeId ? [c.placeId] : [], visits: c.visitId ? [c.visitId] : [], blobs: c.events.flatMap((e) => e.evidence) }),
  async handle(ctx, { case: c }) {
    const { viewer } = ctx;
    const me = viewer.user.id;
    const role = viewer.user.role;
    const outcome = { entity: 'case', entityId: c.id };
    const refusal = caseOpeningRefusal(role, c);
    if (refusal) throw new Rejection('forbidden', refusal);

    const existing = await ctx.trx.selectFrom('cases').select(['id', 'reported_by']).where('id', '=', c.id).executeTakeFirst();
    if (existing) {
      if (existing.reported_by === me) return { ...outcome, status: 'duplicate' as const };
      throw new Rejection('case_exists', '已有编号相同的线索');
    }
    let keys: ScopeKeys | null;
    if (c.placeId) keys = keysOf(placeForCaller(viewer, await ctx.load.place(c.placeId)));
    else {
      keys = await keysOfGrid(ctx.trx, c.gridId);
      if (!keys || !keysInScope(viewer, keys)) throw new Rejection('grid_not_found', '所属网格不存在或不在您的管辖范围内');
    }
    const { keepsLinks } = caseOpening(role);
    const visitId = keepsLinks ? (c.visitId ?? null) : null;
    // The visit a case comes from was pushed before it (the same local transaction wrote both): if
    // that visit was rejected, a case pointing at it would point at nothing.
    if (visitId && !(await ctx.load.visit(visitId))) {
      throw new Rejection('visit_not_found', '线索所依据的检查记录未被服务器接收（见同步页被拒绝的更改），请修改后重新提交');
    }
    const evidence = [...new Set(c.events.flatMap((e) => e.evidence))];
    await attachEvidence(ctx, evidence, { entity: 'case', rowId: c.id, keys, placeId: c.placeId ?? null });

    const opened = newCase({
      id: c.id,
      source: c.source,
      gridId: keys.grid_id!,
      townshipId: keys.township_id!,
      summary: c.summary,
      reportedAt: c.reportedAt,
      by: me,
      reportedBy: me,
      placeId: c.placeId ?? null,
      address: c.address ?? null,
      lat: c.lat ?? null,
      lng: c.lng ?? null,
      subjectIds: keepsLinks ? c.subjectIds : [],
      categories: c.categories,
      visitId,
      note: c.events[0]?.note ?? null,
      evidence,
    });
    await ctx.trx
      .insertInto('cases')
      .values(caseToRow({ ...opened, version: 1 }, keys))
      .execute();
    return outcome;
  },
});
