import { GRID_STAFF_ROLES } from '../../../domain/enums';
import { entryRefusal } from '../../../domain/subjects';
import { subjectToRow } from '../../subjects/rows';
import { keysInScope, keysOfGrid, requireRole } from '../access';
import { defineMutation, Rejection } from '../registry';
import { eventExists, insertLedgerEvent, requireCategoryFits } from './subject-common';

/** 入账: a new key subject with its `list` ledger event; insert-if-absent by subject id. */
export const subjectCreate = defineMutation('subject.create@1', {
  async handle(ctx, { subject, eventId }) {
    requireRole(ctx.viewer, GRID_STAFF_ROLES, '登记重点对象');
    const outcome = { entity: 'subject', entityId: subject.id };
    const existing = await ctx.trx.selectFrom('subjects').select(['id', 'county_id', 'township_id', 'grid_id']).where('id', '=', subject.id).executeTakeFirst();
    if (existing) {
      if (keysInScope(ctx.viewer, existing) && (await eventExists(ctx, eventId))) return { ...outcome, status: 'duplicate' as const };
      throw new Rejection('subject_exists', '已有编号相同的重点对象');
    }
    const keys = await keysOfGrid(ctx.trx, subject.gridId);
    if (!keys || !keysInScope(ctx.viewer, keys)) throw new Rejection('grid_not_found', '所属网格不存在或不在您的管辖范围内');
    const refusal = entryRefusal(subject);
    if (refusal) throw new Rejection(refusal.code, refusal.message);
    requireCategoryFits(subject.kind, subject.category);
    const row = await ctx.trx
      .insertInto('subjects')
      .values(subjectToRow({ ...subject, version: 1 }, keys))
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertLedgerEvent(ctx, row, { id: eventId, action: 'list', at: subject.listedAt, reason: subject.listedReason, diff: {} });
    return outcome;
  },
});
