import type { Insertable } from 'kysely';
import type { Visit } from '../../domain/entities';
import type { VisitRow, VisitsTable } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';

/**
 * A visit is immutable and hash-chained (SPEC §8): the document is returned exactly as submitted, so
 * its `hash` still verifies; the columns beside it exist for querying.
 */
export function visitFromRow(r: Pick<VisitRow, 'doc'>): Visit {
  return r.doc as Visit;
}

export function visitToRow(e: Visit, keys: ScopeKeys): Insertable<VisitsTable> {
  return {
    id: e.id,
    task_id: e.taskId ?? null,
    place_id: e.placeId,
    subject_ids: e.subjectIds,
    inspector_ids: e.inspectorIds,
    shift: e.shift,
    style: e.style,
    unannounced: e.unannounced,
    organization: e.organization,
    started_at: e.startedAt,
    ended_at: e.endedAt,
    outcome: e.outcome,
    device_id: e.deviceId,
    hash: e.hash,
    prev_hash: e.prevHash,
    amends_visit_id: e.amendsVisitId ?? null,
    doc: JSON.stringify(e),
    ...keys,
  };
}
