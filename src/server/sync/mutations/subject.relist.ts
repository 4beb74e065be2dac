import { defineMutation, Rejection } from '../registry';
import { eventExists, insertLedgerEvent, lockSubject } from './subject-common';

/** 重新入账: delisted → listed with a reason. */
export const subjectRelist = defineMutation('subject.relist@1', {
  async handle(ctx, { id, reason, eventId, at }) {
    const outcome = { entity: 'subject', entityId: id };
    const row = await lockSubject(ctx, id);
    if (await eventExists(ctx, eventId)) return { ...outcome, status: 'duplicate' as const };
    if (row.status !== 'delisted') throw new Rejection('already_listed', '该重点对象在册，无需重新入账');
    await ctx.trx
      .updateTable('subjects')
      .set({ status: 'listed', listed_at: at, listed_reason: reason, delisted_at: null, delisted_reason: null, version: row.version + 1 })
      .where('id', '=', id)
      .execute();
    await insertLedgerEvent(ctx, row, { id: eventId, action: 'relist', at, reason, diff: { status: { from: 'delisted', to: 'listed' } } });
    return outcome;
  },
});
