/**
 * Every enumeration of the domain, defined once. Types, labels and the zod schemas (enum-schemas.ts)
 * derive from these tuples; nothing else in the codebase spells the values out again. No zod here:
 * the client's first load imports these values.
 */

export const ROLES = ['grid_worker', 'building_manager', 'township_coordinator', 'county_admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Township coordinators and county admins: they supervise the grids beneath their region, so they
 * may read the people directory and the sync conflict list, and name the managers of a place.
 */
export const SUPERVISOR_ROLES: readonly Role[] = ['township_coordinator', 'county_admin'];

/**
 * Everyone who works grids (every role but the building manager): they hold grid sync buckets and
 * may register and change key subjects in the ledger and edit places.
 */
export const GRID_STAFF_ROLES: readonly Role[] = ['grid_worker', ...SUPERVISOR_ROLES];

export const REGION_LEVELS = ['county', 'township', 'community', 'grid'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

export const PLACE_KINDS = [
  'commercial_building',
  'residential_compound',
  'residential_building',
  'hotel',
  'cafe',
  'rental_housing',
  'training_institution',
  'care_center',
  'other',
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export const RISK_LEVELS = ['high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const SUBJECT_KINDS = ['institution', 'person'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** Categories of institutions only, and of persons only (SPEC §3); `other` fits both kinds. */
export const INSTITUTION_CATEGORIES = [
  'transformed_institution',
  'deregistered_institution',
  'care_institution',
  'non_academic_with_record',
  'housekeeping_company',
  'consulting_institution',
] as const;
export const PERSON_CATEGORIES = ['in_service_teacher', 'laid_off_trainer', 'individual_with_record'] as const;
export const SUBJECT_CATEGORIES = [...INSTITUTION_CATEGORIES, ...PERSON_CATEGORIES, 'other'] as const;
export type SubjectCategory = (typeof SUBJECT_CATEGORIES)[number];

export const SUBJECT_STATUSES = ['listed', 'delisted'] as const;
export type SubjectStatus = (typeof SUBJECT_STATUSES)[number];

export const LEDGER_ACTIONS = ['list', 'update', 'delist', 'relist'] as const;
export type LedgerAction = (typeof LEDGER_ACTIONS)[number];

export const ITEM_KINDS = ['yesno', 'number', 'text', 'choice', 'time'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** The seven forms of 篇四 二.二 plus the checks of 篇三 (SPEC §3). */
export const VIOLATION_CATEGORIES = [
  'subject',
  'personnel',
  'time',
  'location',
  'content',
  'method',
  'fees',
  'safety',
  'advertising',
  'premises_management',
  'other',
] as const;
export type ViolationCategory = (typeof VIOLATION_CATEGORIES)[number];

export const SHIFTS = ['day', 'night'] as const;
export type Shift = (typeof SHIFTS)[number];

export const TASK_STYLES = ['open', 'covert'] as const;
export type TaskStyle = (typeof TASK_STYLES)[number];

export const TASK_ORGANIZATIONS = ['routine', 'joint', 'spot', 'clue_verification', 'follow_up'] as const;
export type TaskOrganization = (typeof TASK_ORGANIZATIONS)[number];

export const TASK_STATUSES = ['assigned', 'in_progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const VISIT_OUTCOMES = ['no_issue', 'issue_found', 'premises_closed', 'entry_refused'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

export const CASE_SOURCES = [
  'patrol',
  'building_manager',
  'citizen_report',
  'hotline_12345',
  'online_patrol',
  'transferred',
] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

/** SPEC §7. Transitions live in `cases.ts`. */
export const CASE_STATUSES = [
  'pending_verification',
  'verifying',
  'unfounded',
  'filed',
  'rectifying',
  'follow_up',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Entities exchanged by sync (SPEC §8), camelCase names of §3. */
export const ENTITY_NAMES = [
  'region',
  'user',
  'place',
  'subject',
  'ledgerEvent',
  'checklistTemplate',
  'task',
  'visit',
  'case',
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];
