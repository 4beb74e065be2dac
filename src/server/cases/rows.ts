import type { Insertable } from 'kysely';
import type { Case } from '../../domain/entities';
import type { CaseSource, CaseStatus, ViolationCategory } from '../../domain/enums';
import type { CaseRow, CasesTable } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';
import { iso, isoOrNull } from '../db/time';

export function caseFromRow(r: CaseRow): Case {
  return {
    id: r.id,
    source: r.source as CaseSource,
    placeId: r.place_id,
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    subjectIds: r.subject_ids,
    gridId: r.grid_id!,
    townshipId: r.township_id!,
    categories: r.categories as ViolationCategory[],
    summary: r.summary,
    reportedAt: iso(r.reported_at),
    reportedBy: r.reported_by,
    visitId: r.visit_id,
    status: r.status as CaseStatus,
    deadlineAt: isoOrNull(r.deadline_at),
    publishable: r.publishable,
    trackingCode: r.tracking_code,
    events: r.events as Case['events'],
    version: r.version,
  };
}

export function caseToRow(e: Case, keys: ScopeKeys): Insertable<CasesTable> {
  return {
    id: e.id,
    source: e.source,
    place_id: e.placeId ?? null,
    address: e.address ?? null,
    lat: e.lat ?? null,
    lng: e.lng ?? null,
    subject_ids: e.subjectIds,
    categories: e.categories,
    summary: e.summary,
    reported_at: e.reportedAt,
    reported_by: e.reportedBy ?? null,
    visit_id: e.visitId ?? null,
    status: e.status,
    deadline_at: e.deadlineAt,
    publishable: e.publishable,
    tracking_code: e.trackingCode ?? null,
    events: JSON.stringify(e.events),
    version: e.version,
    ...keys,
  };
}
