/**
 * The typed Kysely view of the database created by `migrations/`. Column names are the snake_case of
 * the §3 fields; the row ↔ entity mappers live next to each area's queries.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

/** timestamptz: read as Date (pg and PGlite alike), written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read parsed, written as a JSON string (pg would turn JS arrays into PostgreSQL arrays). */
export type Json<T> = ColumnType<T, string, string>;
/** xid8 stamped by the database; never written by the application. */
type Xid = ColumnType<string, never, never>;

interface ScopeKeys {
  county_id: string | null;
  township_id: string | null;
  grid_id: string | null;
}

interface Syncable extends ScopeKeys {
  version: Generated<number>;
  _xid: Xid;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RegionsTable extends Syncable {
  id: string;
  parent_id: string | null;
  level: string;
  name: string;
  code: string;
  boundary: Json<unknown> | null;
}

export interface UsersTable extends Syncable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  region_id: string;
  phone: string | null;
  certified: boolean;
  certificate_no: string | null;
  department: string | null;
  password_hash: string;
  disabled_at: Timestamp | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  device_id: string;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  username: string;
  ip: string;
  at: Generated<Date>;
  success: boolean;
}

export interface PlacesTable extends Syncable {
  id: string;
  kind: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  manager_ids: string[];
  risk_level: string;
  tags: string[];
  note: string | null;
  /** Per-field merge (SPEC §8): field → the row version that last changed it. */
  field_versions: ColumnType<Record<string, number>, string | undefined, string>;
}

export interface SubjectsTable extends Syncable {
  id: string;
  kind: string;
  category: string;
  name: string;
  credit_code: string | null;
  id_number_masked: string | null;
  phone: string | null;
  place_ids: string[];
  status: string;
  listed_at: Timestamp;
  listed_reason: string;
  delisted_at: Timestamp | null;
  delisted_reason: string | null;
  risk_level: string;
  field_versions: ColumnType<Record<string, number>, string | undefined, string>;
}

export interface LedgerEventsTable extends Syncable {
  id: string;
  subject_id: string;
  action: string;
  at: Timestamp;
  by: string;
  reason: string;
  diff: Json<Record<string, { from: unknown; to: unknown }>>;
}

export interface ChecklistTemplatesTable extends Syncable {
  id: string;
  code: string;
  title: string;
  applies_to: Json<unknown>;
  sections: Json<unknown[]>;
  items: Json<unknown[]>;
}

export interface TasksTable extends Syncable {
  id: string;
  title: string;
  assignee_ids: string[];
  place_ids: string[];
  shift: string;
  style: string;
  unannounced: boolean;
  organization: string;
  departments: string[];
  window_start: Timestamp;
  window_end: Timestamp;
  due_at: Timestamp;
  status: string;
  case_id: string | null;
  draw: Json<unknown> | null;
  created_by: string;
  completion_note: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface VisitsTable extends Syncable {
  id: string;
  task_id: string | null;
  place_id: string;
  subject_ids: string[];
  inspector_ids: string[];
  shift: string;
  style: string;
  unannounced: boolean;
  organization: string;
  started_at: Timestamp;
  ended_at: Timestamp;
  outcome: string;
  device_id: string;
  hash: string;
  prev_hash: string | null;
  amends_visit_id: string | null;
  received_at: Generated<Date>;
  /** The visit exactly as submitted (json: its text verbatim): its hash is over these values, so they are returned verbatim. */
  doc: Json<Record<string, unknown>>;
  /** Server receipt time minus the device's `sentAt`, measured at push. */
  clock_offset_ms: ColumnType<string | null, number | null | undefined, number | null>;
  /** e.g. `task_reassigned`, `task_cancelled`: kept, never dropped (SPEC §8). */
  flags: Generated<string[]>;
}

export interface CasesTable extends Syncable {
  id: string;
  source: string;
  place_id: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  subject_ids: string[];
  categories: string[];
  summary: string;
  reported_at: Timestamp;
  reported_by: string | null;
  visit_id: string | null;
  status: string;
  deadline_at: Timestamp | null;
  publishable: boolean;
  tracking_code: string | null;
  events: Json<unknown[]>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  user_id: string | null;
  device_id: string | null;
  action: string;
  entity: string | null;
  entity_id: string | null;
  details: Json<Record<string, unknown>> | null;
}

export interface SyncClientTable {
  client_id: string;
  user_id: string;
  device_id: string;
  last_mutation_id: ColumnType<string, number | string | undefined, number | string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MutationResultTable {
  client_id: string;
  seq: ColumnType<string, number, number>;
  name: string;
  status: string;
  code: string | null;
  reason: string | null;
  args: Json<unknown> | null;
  at: Timestamp | null;
  received_at: Generated<Date>;
}

/** One row per push transaction that advanced a client (migration 3). */
export interface SyncBatchTable {
  client_id: string;
  first_seq: ColumnType<string, number, number>;
  last_seq: ColumnType<string, number, number>;
  applied: Generated<number>;
  duplicates: Generated<number>;
  rejected: Generated<number>;
  received_at: Generated<Date>;
  _xid: Xid;
}

export interface SyncConflictTable {
  id: Generated<string>;
  entity: string;
  row_id: string;
  field: string;
  overwritten: Json<unknown> | null;
  winner: Json<unknown> | null;
  base_version: number;
  client_id: string | null;
  user_id: string | null;
  county_id: string | null;
  township_id: string | null;
  grid_id: string | null;
  at: Generated<Date>;
}

export interface TombstonesTable {
  entity: string;
  row_id: string;
  county_id: string | null;
  township_id: string | null;
  grid_id: string | null;
  place_id: string | null;
  manager_visible: Generated<boolean>;
  owner_ids: Generated<string[]>;
  _xid: Xid;
  at: Generated<Date>;
}

export interface BlobsTable {
  sha256: string;
  size: ColumnType<string, number, number>;
  content_type: string;
  uploaded_by: string | null;
  created_at: Generated<Date>;
}

export interface BlobRefsTable {
  sha256: string;
  entity: string;
  row_id: string;
  county_id: string | null;
  township_id: string | null;
  grid_id: string | null;
  place_id: string | null;
  owner_id: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface MigrationsTable {
  id: number;
  name: string;
  applied_at: Generated<Date>;
}

/** A stored password hash already found not to be the demo password (migration 6). */
export interface DemoPasswordChecksTable {
  user_id: string;
  password_hash: string;
  checked_at: Generated<Date>;
}

export interface Database {
  regions: RegionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  places: PlacesTable;
  subjects: SubjectsTable;
  ledger_events: LedgerEventsTable;
  checklist_templates: ChecklistTemplatesTable;
  tasks: TasksTable;
  visits: VisitsTable;
  cases: CasesTable;
  audit_log: AuditLogTable;
  sync_client: SyncClientTable;
  mutation_result: MutationResultTable;
  sync_batch: SyncBatchTable;
  sync_conflict: SyncConflictTable;
  tombstones: TombstonesTable;
  blobs: BlobsTable;
  blob_refs: BlobRefsTable;
  meta: MetaTable;
  migrations: MigrationsTable;
  demo_password_checks: DemoPasswordChecksTable;
}

export type RegionRow = Selectable<RegionsTable>;
export type UserRow = Selectable<UsersTable>;
export type PlaceRow = Selectable<PlacesTable>;
export type SubjectRow = Selectable<SubjectsTable>;
export type LedgerEventRow = Selectable<LedgerEventsTable>;
export type ChecklistTemplateRow = Selectable<ChecklistTemplatesTable>;
export type TaskRow = Selectable<TasksTable>;
export type VisitRow = Selectable<VisitsTable>;
export type CaseRow = Selectable<CasesTable>;

/** Tables that sync (SPEC §8) and carry scope keys, `version` and `_xid`. */
export const SYNCABLE_TABLES = [
  'regions',
  'users',
  'places',
  'subjects',
  'ledger_events',
  'checklist_templates',
  'tasks',
  'visits',
  'cases',
] as const;

/** Every table whose rows a rejected request must leave untouched. */
export const DATA_TABLES = [
  ...SYNCABLE_TABLES,
  'sessions',
  'audit_log',
  'meta',
  'sync_client',
  'mutation_result',
  'sync_batch',
  'sync_conflict',
  'tombstones',
  'blobs',
  'blob_refs',
  'demo_password_checks',
] as const;
