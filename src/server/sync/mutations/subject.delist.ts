import { defineMutation, Rejection } from '../registry';
import { eventExists, insertLedgerEvent, lockSubject } from './subject-common';

/** 出账: listed → delisted with a reason. */
export const subjectDelist = defineMutation('subject.delist@1', {
  async handle(ctx, { id, reason, eventId, at }) {
    const outcome = { entity: 'subject', entityId: id };
    const row = await lockSubject(ctx, id);
    if (await eventExists(ctx, eventId)) return { ...outcome, status: 'duplicate' as const };
    if (row.status !== 'listed') throw new Rejection('already_delisted', '该重点对象已出账');
    await ctx.trx
      .updateTable('subjects')
      .set({ status: 'delisted', delisted_at: at, delisted_reason: reason, version: row.version + 1 })
      .where('id', '=', id)
      .execute();
    await insertLedgerEvent(ctx, row, { id: eventId, action: 'delist', at, reason, diff: { status: { from: 'listed', to: 'delisted' } } });
    return outcome;
  },
});
