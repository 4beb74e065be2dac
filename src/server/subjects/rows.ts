import type { Insertable } from 'kysely';
import type { LedgerEvent, Subject } from '../../domain/entities';
import type { LedgerAction, RiskLevel, SubjectCategory, SubjectKind, SubjectStatus } from '../../domain/enums';
import type { LedgerEventRow, LedgerEventsTable, SubjectRow, SubjectsTable } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';
import { iso, isoOrNull } from '../db/time';

export function subjectFromRow(r: SubjectRow): Subject {
  return {
    id: r.id,
    kind: r.kind as SubjectKind,
    category: r.category as SubjectCategory,
    name: r.name,
    creditCode: r.credit_code,
    idNumberMasked: r.id_number_masked,
    phone: r.phone,
    placeIds: r.place_ids,
    gridId: r.grid_id!,
    status: r.status as SubjectStatus,
    listedAt: iso(r.listed_at),
    listedReason: r.listed_reason,
    delistedAt: isoOrNull(r.delisted_at),
    delistedReason: r.delisted_reason,
    riskLevel: r.risk_level as RiskLevel,
    version: r.version,
  };
}

export function subjectToRow(e: Subject, keys: ScopeKeys): Insertable<SubjectsTable> {
  return {
    id: e.id,
    kind: e.kind,
    category: e.category,
    name: e.name,
    credit_code: e.creditCode ?? null,
    id_number_masked: e.idNumberMasked ?? null,
    phone: e.phone ?? null,
    place_ids: e.placeIds,
    status: e.status,
    listed_at: e.listedAt,
    listed_reason: e.listedReason,
    delisted_at: e.delistedAt ?? null,
    delisted_reason: e.delistedReason ?? null,
    risk_level: e.riskLevel,
    version: e.version,
    ...keys,
  };
}

export function ledgerEventFromRow(r: LedgerEventRow): LedgerEvent {
  return {
    id: r.id,
    subjectId: r.subject_id,
    action: r.action as LedgerAction,
    at: iso(r.at),
    by: r.by,
    reason: r.reason,
    diff: r.diff,
  };
}

export function ledgerEventToRow(e: LedgerEvent, keys: ScopeKeys): Insertable<LedgerEventsTable> {
  return {
    id: e.id,
    subject_id: e.subjectId,
    action: e.action,
    at: e.at,
    by: e.by,
    reason: e.reason,
    diff: JSON.stringify(e.diff),
    ...keys,
  };
}
