import { subjectFromRow } from '../../subjects/rows';
import { keysOf } from '../access';
import { mergeFields, recordConflicts } from '../merge';
import { defineMutation } from '../registry';
import { eventExists, insertLedgerEvent, lockSubject } from './subject-common';

/** Field patch of a subject (last writer wins per field), recorded as an `update` ledger event. */
export const subjectUpdate = defineMutation('subject.update@1', {
  async handle(ctx, { id, baseVersion, patch, reason, eventId, at }) {
    const outcome = { entity: 'subject', entityId: id };
    const row = await lockSubject(ctx, id);
    if (await eventExists(ctx, eventId)) return { ...outcome, status: 'duplicate' as const };
    const m = mergeFields({ entity: 'subject', current: subjectFromRow(row), version: row.version, fieldVersions: row.field_versions, patch, baseVersion });
    if (Object.keys(m.set).length > 0) {
      await ctx.trx
        .updateTable('subjects')
        .set({ ...m.set, version: row.version + 1, field_versions: JSON.stringify(m.fieldVersions) })
        .where('id', '=', id)
        .execute();
      await recordConflicts(ctx.trx, m, { entity: 'subject', rowId: id, baseVersion, clientId: ctx.clientId, userId: ctx.viewer.user.id, keys: keysOf(row) });
    }
    await insertLedgerEvent(ctx, row, { id: eventId, action: 'update', at, reason, diff: m.diff });
    return outcome;
  },
});
