/**
 * Migration 1: the schema of SPEC §3 plus sessions, login attempts, the audit trail and meta.
 * Forward only and frozen: enumerations are spelled out here on purpose, so that a later change to
 * `src/domain/enums.ts` needs its own migration instead of silently rewriting history.
 */
import type { Migration } from '../migrate';

const SCOPE_AND_SYNC = `
  county_id   uuid,
  township_id uuid,
  grid_id     uuid,
  version     integer NOT NULL DEFAULT 0,
  _xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()`;

const SYNCABLE = ['regions', 'users', 'places', 'subjects', 'ledger_events', 'checklist_templates', 'tasks', 'visits', 'cases'];

function inList(column: string, values: readonly string[]): string {
  return `CHECK (${column} IN (${values.map((v) => `'${v}'`).join(', ')}))`;
}

const ROLES = ['grid_worker', 'building_manager', 'township_coordinator', 'county_admin'];
const LEVELS = ['county', 'township', 'community', 'grid'];
const PLACE_KINDS = ['commercial_building', 'residential_compound', 'residential_building', 'hotel', 'cafe', 'rental_housing', 'training_institution', 'care_center', 'other'];
const RISK = ['high', 'medium', 'low'];
const SUBJECT_CATEGORIES = ['transformed_institution', 'deregistered_institution', 'care_institution', 'non_academic_with_record', 'housekeeping_company', 'consulting_institution', 'in_service_teacher', 'laid_off_trainer', 'individual_with_record', 'other'];
const SHIFTS = ['day', 'night'];
const STYLES = ['open', 'covert'];
const ORGS = ['routine', 'joint', 'spot', 'clue_verification', 'follow_up'];
const TASK_STATUSES = ['assigned', 'in_progress', 'done', 'cancelled'];
const OUTCOMES = ['no_issue', 'issue_found', 'premises_closed', 'entry_refused'];
const CASE_SOURCES = ['patrol', 'building_manager', 'citizen_report', 'hotline_12345', 'online_patrol', 'transferred'];
const CASE_STATUSES = ['pending_verification', 'verifying', 'unfounded', 'filed', 'rectifying', 'follow_up', 'closed'];

export const migration: Migration = {
  id: 1,
  name: 'initial',
  statements: [
    `CREATE FUNCTION stamp_xid() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       NEW._xid := pg_current_xact_id();
       NEW.updated_at := now();
       RETURN NEW;
     END $$`,

    `CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)`,
    `INSERT INTO meta (key, value) VALUES ('epoch', gen_random_uuid()::text)`,

    `CREATE TABLE regions (
       id        uuid PRIMARY KEY,
       parent_id uuid REFERENCES regions (id),
       level     text NOT NULL ${inList('level', LEVELS)},
       name      text NOT NULL,
       code      text NOT NULL UNIQUE,
       boundary  jsonb,
       ${SCOPE_AND_SYNC}
     )`,
    `CREATE INDEX regions_parent_idx ON regions (parent_id)`,

    `CREATE TABLE users (
       id             uuid PRIMARY KEY,
       username       text NOT NULL UNIQUE,
       display_name   text NOT NULL,
       role           text NOT NULL ${inList('role', ROLES)},
       region_id      uuid NOT NULL REFERENCES regions (id),
       phone          text,
       certified      boolean NOT NULL DEFAULT false,
       certificate_no text,
       department     text,
       password_hash  text NOT NULL,
       disabled_at    timestamptz,
       ${SCOPE_AND_SYNC}
     )`,
    `CREATE INDEX users_region_idx ON users (region_id)`,

    `CREATE TABLE sessions (
       token_hash   text PRIMARY KEY,
       user_id      uuid NOT NULL REFERENCES users (id),
       device_id    text NOT NULL,
       expires_at   timestamptz NOT NULL,
       revoked_at   timestamptz,
       created_at   timestamptz NOT NULL DEFAULT now(),
       last_seen_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX sessions_user_idx ON sessions (user_id)`,

    `CREATE TABLE login_attempts (
       id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       username text NOT NULL,
       ip       text NOT NULL,
       at       timestamptz NOT NULL DEFAULT now(),
       success  boolean NOT NULL
     )`,
    `CREATE INDEX login_attempts_username_idx ON login_attempts (username, at)`,
    `CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at)`,

    `CREATE TABLE places (
       id          uuid PRIMARY KEY,
       kind        text NOT NULL ${inList('kind', PLACE_KINDS)},
       name        text NOT NULL,
       address     text NOT NULL,
       lat         double precision NOT NULL,
       lng         double precision NOT NULL,
       manager_ids uuid[] NOT NULL DEFAULT '{}',
       risk_level  text NOT NULL ${inList('risk_level', RISK)},
       tags        text[] NOT NULL DEFAULT '{}',
       note        text,
       ${SCOPE_AND_SYNC},
       FOREIGN KEY (grid_id) REFERENCES regions (id)
     )`,
    `CREATE INDEX places_managers_idx ON places USING gin (manager_ids)`,

    `CREATE TABLE subjects (
       id               uuid PRIMARY KEY,
       kind             text NOT NULL CHECK (kind IN ('institution', 'person')),
       category         text NOT NULL ${inList('category', SUBJECT_CATEGORIES)},
       name             text NOT NULL,
       credit_code      text,
       id_number_masked text,
       phone            text,
       place_ids        uuid[] NOT NULL DEFAULT '{}',
       status           text NOT NULL CHECK (status IN ('listed', 'delisted')),
       listed_at        timestamptz NOT NULL,
       listed_reason    text NOT NULL,
       delisted_at      timestamptz,
       delisted_reason  text,
       risk_level       text NOT NULL ${inList('risk_level', RISK)},
       ${SCOPE_AND_SYNC},
       FOREIGN KEY (grid_id) REFERENCES regions (id)
     )`,

    `CREATE TABLE ledger_events (
       id         uuid PRIMARY KEY,
       subject_id uuid NOT NULL REFERENCES subjects (id),
       action     text NOT NULL CHECK (action IN ('list', 'update', 'delist', 'relist')),
       at         timestamptz NOT NULL,
       by         uuid NOT NULL,
       reason     text NOT NULL,
       diff       jsonb NOT NULL DEFAULT '{}',
       ${SCOPE_AND_SYNC}
     )`,
    `CREATE INDEX ledger_events_subject_idx ON ledger_events (subject_id, at)`,

    `CREATE TABLE checklist_templates (
       id         uuid PRIMARY KEY,
       code       text NOT NULL,
       title      text NOT NULL,
       applies_to jsonb NOT NULL DEFAULT '{}',
       sections   jsonb NOT NULL DEFAULT '[]',
       items      jsonb NOT NULL,
       ${SCOPE_AND_SYNC},
       UNIQUE (code, version)
     )`,

    `CREATE TABLE tasks (
       id           uuid PRIMARY KEY,
       title        text NOT NULL,
       assignee_ids uuid[] NOT NULL,
       place_ids    uuid[] NOT NULL,
       shift        text NOT NULL ${inList('shift', SHIFTS)},
       style        text NOT NULL ${inList('style', STYLES)},
       unannounced  boolean NOT NULL,
       organization text NOT NULL ${inList('organization', ORGS)},
       departments  text[] NOT NULL DEFAULT '{}',
       window_start timestamptz NOT NULL,
       window_end   timestamptz NOT NULL,
       due_at       timestamptz NOT NULL,
       status       text NOT NULL ${inList('status', TASK_STATUSES)},
       case_id      uuid,
       draw         jsonb,
       created_by   uuid NOT NULL,
       ${SCOPE_AND_SYNC},
       FOREIGN KEY (grid_id) REFERENCES regions (id)
     )`,
    `CREATE INDEX tasks_window_idx ON tasks (township_id, window_start)`,
    `CREATE INDEX tasks_assignees_idx ON tasks USING gin (assignee_ids)`,

    `CREATE TABLE visits (
       id              uuid PRIMARY KEY,
       task_id         uuid,
       place_id        uuid NOT NULL REFERENCES places (id),
       subject_ids     uuid[] NOT NULL DEFAULT '{}',
       inspector_ids   uuid[] NOT NULL,
       shift           text NOT NULL ${inList('shift', SHIFTS)},
       style           text NOT NULL ${inList('style', STYLES)},
       unannounced     boolean NOT NULL,
       organization    text NOT NULL ${inList('organization', ORGS)},
       started_at      timestamptz NOT NULL,
       ended_at        timestamptz NOT NULL,
       outcome         text NOT NULL ${inList('outcome', OUTCOMES)},
       device_id       text NOT NULL,
       hash            text NOT NULL,
       prev_hash       text,
       amends_visit_id uuid,
       received_at     timestamptz NOT NULL DEFAULT now(),
       doc             jsonb NOT NULL,
       ${SCOPE_AND_SYNC}
     )`,
    `CREATE INDEX visits_place_idx ON visits (place_id, started_at)`,
    `CREATE INDEX visits_device_idx ON visits (device_id, started_at)`,
    `CREATE INDEX visits_inspectors_idx ON visits USING gin (inspector_ids)`,

    `CREATE TABLE cases (
       id            uuid PRIMARY KEY,
       source        text NOT NULL ${inList('source', CASE_SOURCES)},
       place_id      uuid REFERENCES places (id),
       address       text,
       lat           double precision,
       lng           double precision,
       subject_ids   uuid[] NOT NULL DEFAULT '{}',
       categories    text[] NOT NULL DEFAULT '{}',
       summary       text NOT NULL,
       reported_at   timestamptz NOT NULL,
       reported_by   uuid,
       visit_id      uuid,
       status        text NOT NULL ${inList('status', CASE_STATUSES)},
       deadline_at   timestamptz,
       publishable   boolean NOT NULL DEFAULT false,
       tracking_code text UNIQUE,
       events        jsonb NOT NULL DEFAULT '[]',
       ${SCOPE_AND_SYNC},
       FOREIGN KEY (grid_id) REFERENCES regions (id)
     )`,
    `CREATE INDEX cases_reported_by_idx ON cases (reported_by)`,

    `CREATE TABLE audit_log (
       id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       at        timestamptz NOT NULL DEFAULT now(),
       user_id   uuid,
       device_id text,
       action    text NOT NULL,
       entity    text,
       entity_id uuid,
       details   jsonb
     )`,
    `CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id)`,
    `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
     END $$`,
    `CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
    `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,

    ...SYNCABLE.flatMap((t) => [
      `CREATE INDEX ${t}_sync_idx ON ${t} (grid_id, _xid, id)`,
      `CREATE TRIGGER ${t}_stamp_xid BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION stamp_xid()`,
    ]),
    `CREATE INDEX places_township_idx ON places (township_id, id)`,
    `CREATE INDEX subjects_township_idx ON subjects (township_id, id)`,
    `CREATE INDEX tasks_township_idx ON tasks (township_id, id)`,
    `CREATE INDEX visits_township_idx ON visits (township_id, id)`,
    `CREATE INDEX cases_township_idx ON cases (township_id, id)`,
  ],
};
