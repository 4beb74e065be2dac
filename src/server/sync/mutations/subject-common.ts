/** The key-subject ledger (SPEC §3): every change of a subject is a ledger event, insert-if-absent by id. */
import { GRID_STAFF_ROLES, type SubjectCategory, type SubjectKind } from '../../../domain/enums';
import { SUBJECT_CATEGORY_LABELS, SUBJECT_KIND_LABELS } from '../../../domain/labels';
import { categoryFitsKind, changeListing, type ListingChange } from '../../../domain/subjects';
import type { SubjectRow } from '../../db/schema';
import { subjectFromRow } from '../../subjects/rows';
import { keysInScope, keysOf, requireRole } from '../access';
import { defineMutation, Rejection, type MutationContext } from '../registry';

export async function eventExists(ctx: MutationContext, eventId: string): Promise<boolean> {
  return !!(await ctx.trx.selectFrom('ledger_events').select('id').where('id', '=', eventId).executeTakeFirst());
}

export async function lockSubject(ctx: MutationContext, id: string): Promise<SubjectRow> {
  requireRole(ctx.viewer, GRID_STAFF_ROLES, '修改重点对象台账');
  const row = await ctx.trx.selectFrom('subjects').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row || !keysInScope(ctx.viewer, row)) throw new Rejection('subject_not_found', '重点对象不存在或不在您的管辖范围内');
  return row;
}

export async function insertLedgerEvent(
  ctx: MutationContext,
  subject: SubjectRow,
  e: { id: string; action: 'list' | 'update' | 'delist' | 'relist'; at: string; reason: string; diff: Record<string, { from: unknown; to: unknown }> },
): Promise<void> {
  await ctx.trx
    .insertInto('ledger_events')
    .values({
      id: e.id,
      subject_id: subject.id,
      action: e.action,
      at: e.at,
      by: ctx.viewer.user.id,
      reason: e.reason,
      diff: JSON.stringify(e.diff),
      ...keysOf(subject),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** A subject's category must be one of its kind's (`CATEGORIES_BY_KIND`). */
export function requireCategoryFits(kind: SubjectKind, category: SubjectCategory): void {
  if (!categoryFitsKind(kind, category)) {
    throw new Rejection('category_mismatch', `类别“${SUBJECT_CATEGORY_LABELS[category]}”不适用于${SUBJECT_KIND_LABELS[kind]}类重点对象`);
  }
}

/** 出账 or 重新入账 by the domain's `changeListing`; the same event id again is a duplicate. */
export function listingMutation(name: 'subject.delist@1' | 'subject.relist@1', action: ListingChange) {
  return defineMutation(name, {
    async handle(ctx, { id, reason, eventId, at }) {
      const outcome = { entity: 'subject', entityId: id };
      const row = await lockSubject(ctx, id);
      if (await eventExists(ctx, eventId)) return { ...outcome, status: 'duplicate' as const };
      const change = changeListing(subjectFromRow(row), { action, reason, at, by: ctx.viewer.user.id, eventId });
      if (!change.ok) throw new Rejection(change.code, change.message);
      const l = change.listing;
      await ctx.trx
        .updateTable('subjects')
        .set({
          status: l.status,
          listed_at: l.listedAt,
          listed_reason: l.listedReason,
          delisted_at: l.delistedAt ?? null,
          delisted_reason: l.delistedReason ?? null,
          version: row.version + 1,
        })
        .where('id', '=', id)
        .execute();
      await insertLedgerEvent(ctx, row, change.event);
      return outcome;
    },
  });
}
