/**
 * The case state machine of SPEC §7. Every transition is an event with actor, time and note; each
 * state has a deadline; illegal transitions are refused with a reason naming both states.
 */
import type { Case, CaseEvent } from './entities';
import { CASE_SOURCES, type CaseSource, type CaseStatus, type Role, type ViolationCategory } from './enums';
import { CASE_STATUS_LABELS } from './labels';
import { addDays } from './calendar';
import { uuidv7 } from './ids';

export const CASE_TRANSITIONS: Record<CaseStatus, CaseStatus[]> = {
  pending_verification: ['verifying'],
  verifying: ['unfounded', 'filed'],
  unfounded: ['closed'],
  filed: ['rectifying'],
  rectifying: ['follow_up'],
  follow_up: ['closed', 'rectifying'],
  closed: [],
};

export interface CaseDeadlineConfig {
  verifyDays: number;
  rectifyDays: number;
  followUpDays: number;
}
export const DEFAULT_CASE_DEADLINES: CaseDeadlineConfig = { verifyDays: 3, rectifyDays: 15, followUpDays: 30 };

/**
 * Who may move a case where (SPEC §7): a grid worker does the field steps of their grid — start
 * verifying, find a clue unfounded, start the follow-up visit. Filing, closing and sending a case back
 * to rectification are decisions of the township coordinator or the county. A building manager
 * follows their report but never moves a case.
 */
export function mayMoveCaseTo(role: Role, to: CaseStatus): boolean {
  switch (role) {
    case 'township_coordinator':
    case 'county_admin':
      return true;
    case 'grid_worker':
      return to === 'verifying' || to === 'unfounded' || to === 'follow_up';
    case 'building_manager':
      return false;
  }
}

export interface CaseOpening {
  sources: readonly CaseSource[];
  placeRequired: boolean;
  /**
   * Whether the case keeps the key subjects and the visit it names. A building manager sees neither the
   * ledger nor inspectors' visits (SPEC §2), so their report links neither, whatever the device sent.
   */
  keepsLinks: boolean;
  /** Why a case of another source, or without a required place, is refused. */
  refusal: string;
}

/**
 * What a role may open a case as: a grid worker from patrol; a building manager about one of their
 * own places only (their reports come back to them through their places' sync scopes, so a report
 * without a place would never show its progress); coordinators and the county from any source.
 */
export function caseOpening(role: Role): CaseOpening {
  switch (role) {
    case 'grid_worker':
      return { sources: ['patrol'], placeRequired: false, keepsLinks: true, refusal: '网格员只能登记巡查发现的线索' };
    case 'building_manager':
      return { sources: ['building_manager'], placeRequired: true, keepsLinks: false, refusal: '楼栋长只能就本楼栋报告线索' };
    case 'township_coordinator':
    case 'county_admin':
      return { sources: CASE_SOURCES, placeRequired: false, keepsLinks: true, refusal: '线索来源不正确' };
  }
}

/** Null when `role` may open a case of this source and place (`caseOpening`); otherwise why not. */
export function caseOpeningRefusal(role: Role, c: { source: CaseSource; placeId?: string | null }): string | null {
  const opening = caseOpening(role);
  if (!opening.sources.includes(c.source) || (opening.placeRequired && !c.placeId)) return opening.refusal;
  return null;
}

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

export function isTerminal(status: CaseStatus): boolean {
  return CASE_TRANSITIONS[status].length === 0;
}

/** The deadline of a state entered at `at`, or null for states that wait on nobody. */
export function deadlineFor(
  status: CaseStatus,
  at: string,
  config: CaseDeadlineConfig = DEFAULT_CASE_DEADLINES,
): string | null {
  switch (status) {
    case 'pending_verification':
    case 'verifying':
      return addDays(at, config.verifyDays);
    case 'filed':
    case 'rectifying':
      return addDays(at, config.rectifyDays);
    case 'follow_up':
      return addDays(at, config.followUpDays);
    case 'unfounded':
    case 'closed':
      return null;
  }
}

export function isOverdue(c: Pick<Case, 'status' | 'deadlineAt'>, now: string | Date): boolean {
  if (c.deadlineAt == null || isTerminal(c.status)) return false;
  const nowMs = now instanceof Date ? now.getTime() : Date.parse(now);
  return nowMs > Date.parse(c.deadlineAt);
}

export interface TransitionInput {
  /** The event's id, which makes it idempotent: a case that already has it is not moved again. */
  id?: string;
  to: CaseStatus;
  by: string;
  at: string;
  note?: string | null;
  evidence?: string[];
}

export type TransitionResult =
  | { ok: true; case: Case; duplicate?: undefined }
  | { ok: true; case: Case; duplicate: true }
  | { ok: false; code: 'illegal_transition'; message: string };

/**
 * The case after the transition, with its event appended; an event id the case already holds is a
 * duplicate that leaves the case as it is (a replayed transition, checked before the state machine).
 */
export function transitionCase(
  c: Case,
  input: TransitionInput,
  config: CaseDeadlineConfig = DEFAULT_CASE_DEADLINES,
): TransitionResult {
  if (input.id !== undefined && c.events.some((e) => e.id === input.id)) return { ok: true, case: c, duplicate: true };
  if (!canTransition(c.status, input.to)) {
    const allowed = CASE_TRANSITIONS[c.status].map((s) => `“${CASE_STATUS_LABELS[s]}”`);
    return {
      ok: false,
      code: 'illegal_transition',
      message:
        `案件状态不能从“${CASE_STATUS_LABELS[c.status]}”变为“${CASE_STATUS_LABELS[input.to]}”` +
        (allowed.length ? `，只能变为${allowed.join('或')}` : '，该案件已办结'),
    };
  }
  const event: CaseEvent = {
    ...(input.id === undefined ? {} : { id: input.id }),
    at: input.at,
    by: input.by,
    action: 'transition',
    to: input.to,
    note: input.note ?? null,
    evidence: [...(input.evidence ?? [])],
  };
  return {
    ok: true,
    case: {
      ...c,
      status: input.to,
      deadlineAt: deadlineFor(input.to, input.at, config),
      events: [...c.events, event],
      version: c.version + 1,
    },
  };
}

export interface NewCaseInput {
  id?: string;
  source: CaseSource;
  gridId: string;
  townshipId: string;
  summary: string;
  reportedAt: string;
  /** Who opens the case; also its reporter unless `reportedBy` is given. */
  by: string;
  reportedBy?: string | null;
  placeId?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
  subjectIds?: string[];
  categories?: ViolationCategory[];
  visitId?: string | null;
  trackingCode?: string | null;
  note?: string | null;
  evidence?: string[];
}

/** A new case waiting for verification, with its 'open' event and verification deadline. */
export function newCase(input: NewCaseInput, config: CaseDeadlineConfig = DEFAULT_CASE_DEADLINES): Case {
  const status: CaseStatus = 'pending_verification';
  return {
    id: input.id ?? uuidv7(Date.parse(input.reportedAt)),
    source: input.source,
    placeId: input.placeId ?? null,
    address: input.address ?? null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    subjectIds: [...(input.subjectIds ?? [])],
    gridId: input.gridId,
    townshipId: input.townshipId,
    categories: [...(input.categories ?? [])],
    summary: input.summary,
    reportedAt: input.reportedAt,
    reportedBy: input.reportedBy === undefined ? input.by : input.reportedBy,
    visitId: input.visitId ?? null,
    status,
    deadlineAt: deadlineFor(status, input.reportedAt, config),
    publishable: false,
    trackingCode: input.trackingCode ?? null,
    events: [
      {
        at: input.reportedAt,
        by: input.by,
        action: 'open',
        to: status,
        note: input.note ?? null,
        evidence: [...(input.evidence ?? [])],
      },
    ],
    version: 0,
  };
}

export const PUBLIC_STATUSES = ['受理', '核查中', '已办结'] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

/** What a public reporter sees: 受理 / 核查中 / 已办结, never the inner states. */
export function publicStatus(status: CaseStatus): PublicStatus {
  if (status === 'pending_verification') return '受理';
  if (status === 'closed') return '已办结';
  return '核查中';
}

/** The note of the transition that closed the case, for the public reporter. */
export function closingNote(c: Pick<Case, 'status' | 'events'>): string | null {
  if (c.status !== 'closed') return null;
  for (let i = c.events.length - 1; i >= 0; i--) {
    const e = c.events[i]!;
    if (e.to === 'closed') return e.note ?? null;
  }
  return null;
}
