import { subjectFromRow } from '../../subjects/rows';
import { applyPatch } from '../merge';
import { defineMutation } from '../registry';
import { eventExists, insertLedgerEvent, lockSubject, requireCategoryFits } from './subject-common';

/**
 * Field patch of a subject (last writer wins per field), recorded as an `update` ledger event. The kind
 * is never patched, so a new category must be one of the subject's kind.
 */
export const subjectUpdate = defineMutation('subject.update@1', {
  async handle(ctx, { id, baseVersion, patch, reason, eventId, at }) {
    const outcome = { entity: 'subject', entityId: id };
    const row = await lockSubject(ctx, id);
    if (await eventExists(ctx, eventId)) return { ...outcome, status: 'duplicate' as const };
    const current = subjectFromRow(row);
    if (patch.category !== undefined) requireCategoryFits(current.kind, patch.category);
    const m = await applyPatch(ctx, { entity: 'subject', row, current, patch, baseVersion });
    await insertLedgerEvent(ctx, row, { id: eventId, action: 'update', at, reason, diff: m.diff });
    return outcome;
  },
});
