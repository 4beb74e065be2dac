/** The key-subject ledger (SPEC §3): every change of a subject is a ledger event, insert-if-absent by id. */
import type { SubjectRow } from '../../db/schema';
import { keysInScope, keysOf, requireRole } from '../access';
import { Rejection, type MutationContext } from '../registry';

export const LEDGER_ROLES = ['grid_worker', 'township_coordinator', 'county_admin'] as const;

export async function eventExists(ctx: MutationContext, eventId: string): Promise<boolean> {
  return !!(await ctx.trx.selectFrom('ledger_events').select('id').where('id', '=', eventId).executeTakeFirst());
}

export async function lockSubject(ctx: MutationContext, id: string): Promise<SubjectRow> {
  requireRole(ctx.viewer, LEDGER_ROLES, '修改重点对象台账');
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
