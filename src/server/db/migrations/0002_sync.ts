/**
 * Migration 2: the server half of the sync protocol (SPEC §8) — sync clients and their mutation
 * results, conflict records of the per-field merge, tombstones for rows that leave a scope, blobs and
 * the records that reference them, field versions of places and subjects, and what the server
 * records about a received visit (clock offset, flags).
 */
import type { Migration } from '../migrate';

/** camelCase entity name (SPEC §8) of each syncable table; passed to the tombstone trigger. */
const ENTITY_OF: Record<string, string> = {
  regions: 'region',
  users: 'user',
  places: 'place',
  subjects: 'subject',
  ledger_events: 'ledgerEvent',
  checklist_templates: 'checklistTemplate',
  tasks: 'task',
  visits: 'visit',
  cases: 'case',
};

const WITH_PLACE = new Set(['visits', 'cases']);

export const migration: Migration = {
  id: 2,
  name: 'sync',
  statements: [
    `CREATE TABLE sync_client (
       client_id        uuid PRIMARY KEY,
       user_id          uuid NOT NULL REFERENCES users (id),
       device_id        text NOT NULL,
       last_mutation_id bigint NOT NULL DEFAULT 0,
       created_at       timestamptz NOT NULL DEFAULT now(),
       updated_at       timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX sync_client_user_idx ON sync_client (user_id)`,

    // _xid: a pull reports as lastMutationId only what committed below its xid horizon, the same
    // rule as for the rows, so the client never drops an outbox entry whose effect it has not seen.
    `CREATE TABLE mutation_result (
       client_id   uuid NOT NULL REFERENCES sync_client (client_id),
       seq         bigint NOT NULL,
       name        text NOT NULL,
       status      text NOT NULL CHECK (status IN ('applied', 'duplicate', 'rejected')),
       code        text,
       reason      text,
       -- A rejected mutation keeps its arguments: nothing a device sent is ever lost.
       args        jsonb,
       at          timestamptz,
       received_at timestamptz NOT NULL DEFAULT now(),
       _xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
       PRIMARY KEY (client_id, seq)
     )`,
    `CREATE INDEX mutation_result_xid_idx ON mutation_result (client_id, _xid)`,

    `CREATE TABLE sync_conflict (
       id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       entity       text NOT NULL,
       row_id       uuid NOT NULL,
       field        text NOT NULL,
       overwritten  jsonb,
       winner       jsonb,
       base_version integer NOT NULL,
       client_id    uuid,
       user_id      uuid,
       county_id    uuid,
       township_id  uuid,
       grid_id      uuid,
       at           timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX sync_conflict_township_idx ON sync_conflict (township_id, id)`,
    `CREATE INDEX sync_conflict_row_idx ON sync_conflict (entity, row_id)`,

    // A row that is deleted or leaves a scope leaves a tombstone in the scope it left. Only the keys
    // of the scopes actually left are set, so a tombstone never shares a scope with the row's new put.
    // manager_visible/owner_ids let a building manager's place scope carry only tombstones of rows
    // they could have seen: nothing about covert or unannounced work leaks through a delete.
    `CREATE TABLE tombstones (
       entity          text NOT NULL,
       row_id          uuid NOT NULL,
       county_id       uuid,
       township_id     uuid,
       grid_id         uuid,
       place_id        uuid,
       manager_visible boolean NOT NULL DEFAULT false,
       owner_ids       uuid[] NOT NULL DEFAULT '{}',
       _xid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
       at              timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX tombstones_grid_idx ON tombstones (grid_id, _xid, row_id)`,
    `CREATE INDEX tombstones_place_idx ON tombstones (place_id, _xid, row_id)`,
    `CREATE FUNCTION sync_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE
       old_row jsonb := to_jsonb(OLD);
       new_row jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(NEW) ELSE '{}'::jsonb END;
       entity text := TG_ARGV[0];
       old_place uuid;
       left_grid uuid;
       left_place uuid;
       visible boolean := false;
       owners uuid[] := '{}';
     BEGIN
       old_place := CASE
         WHEN entity = 'place' THEN (old_row->>'id')::uuid
         ELSE (old_row->>'place_id')::uuid
       END;
       IF TG_OP = 'DELETE' OR (old_row->'grid_id') IS DISTINCT FROM (new_row->'grid_id') THEN
         left_grid := (old_row->>'grid_id')::uuid;
       END IF;
       IF TG_OP = 'DELETE' OR (entity <> 'place' AND (old_row->'place_id') IS DISTINCT FROM (new_row->'place_id')) THEN
         left_place := old_place;
       END IF;
       IF entity = 'place' THEN
         visible := true;
       ELSIF entity = 'case' THEN
         visible := true;
         owners := CASE WHEN old_row->>'reported_by' IS NULL THEN '{}'::uuid[] ELSE ARRAY[(old_row->>'reported_by')::uuid] END;
       ELSIF entity = 'visit' THEN
         visible := (old_row->>'style') = 'open' AND NOT (old_row->>'unannounced')::boolean;
         owners := ARRAY(SELECT jsonb_array_elements_text(old_row->'inspector_ids')::uuid);
       END IF;
       IF left_grid IS NOT NULL OR left_place IS NOT NULL OR TG_OP = 'DELETE' THEN
         INSERT INTO tombstones (entity, row_id, county_id, township_id, grid_id, place_id, manager_visible, owner_ids)
         VALUES (entity, (old_row->>'id')::uuid,
                 (old_row->>'county_id')::uuid, (old_row->>'township_id')::uuid, left_grid, left_place, visible, owners);
       END IF;
       RETURN NULL;
     END $$`,
    ...Object.entries(ENTITY_OF).flatMap(([table, entity]) => {
      const moved = WITH_PLACE.has(table)
        ? `OLD.grid_id IS DISTINCT FROM NEW.grid_id OR OLD.place_id IS DISTINCT FROM NEW.place_id`
        : `OLD.grid_id IS DISTINCT FROM NEW.grid_id`;
      return [
        `CREATE TRIGGER ${table}_tombstone_delete AFTER DELETE ON ${table}
           FOR EACH ROW EXECUTE FUNCTION sync_tombstone('${entity}')`,
        `CREATE TRIGGER ${table}_tombstone_move AFTER UPDATE ON ${table}
           FOR EACH ROW WHEN (${moved}) EXECUTE FUNCTION sync_tombstone('${entity}')`,
      ];
    }),

    `CREATE TABLE blobs (
       sha256       text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
       size         bigint NOT NULL,
       content_type text NOT NULL,
       uploaded_by  uuid,
       created_at   timestamptz NOT NULL DEFAULT now()
     )`,
    // Who may download a blob: whoever may see a record that references it (SPEC §8).
    `CREATE TABLE blob_refs (
       sha256      text NOT NULL,
       entity      text NOT NULL,
       row_id      uuid NOT NULL,
       county_id   uuid,
       township_id uuid,
       grid_id     uuid,
       place_id    uuid,
       owner_id    uuid,
       PRIMARY KEY (sha256, entity, row_id)
     )`,

    `ALTER TABLE places ADD COLUMN field_versions jsonb NOT NULL DEFAULT '{}'`,
    `ALTER TABLE subjects ADD COLUMN field_versions jsonb NOT NULL DEFAULT '{}'`,
    `ALTER TABLE visits ADD COLUMN clock_offset_ms bigint`,
    `ALTER TABLE visits ADD COLUMN flags text[] NOT NULL DEFAULT '{}'`,
  ],
};
