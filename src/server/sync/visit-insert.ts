/**
 * The batched insert-if-absent of visits a push accepted (SPEC §8: visits are append-only).
 *
 * One statement per chunk with ONE jsonb parameter — the visits as the device sent them plus what the
 * server adds (scope keys, flags, clock offset, receipt time) — from which PostgreSQL derives the query
 * columns exactly as `visitToRow` (src/server/visits/rows.ts) does. Compared with a multi-row VALUES
 * of 23 parameters per row, the statement text stays small and constant, PostgreSQL parses and plans
 * a handful of expressions instead of 11,500 parameters, the driver serialises one string instead of
 * thousands, and the document is serialised once. It is plain SQL (no COPY): the same on PGlite and
 * PostgreSQL. tests/server/sync-visit-insert.test.ts checks it yields the very row `visitToRow` does.
 */
import { sql, type Kysely } from 'kysely';
import type { Visit } from '../../domain/entities';
import type { Database } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';

/** A visit to insert and what the server records beside it. */
export interface VisitInsert {
  visit: Visit;
  /** The visit's JSON when the caller has it already (the push serialised it for the hash check). */
  json?: string;
  keys: ScopeKeys;
  flags: string[];
  clockOffsetMs: number | null;
  receivedAt: Date;
}

/**
 * `d` is the visit document, the other keys are the server's. `ON CONFLICT (id) DO NOTHING RETURNING`
 * lets the caller see an id stored concurrently (fewer ids returned than rows sent).
 */
const INSERT_VISITS = `
  INSERT INTO visits (id, task_id, place_id, subject_ids, inspector_ids, shift, style, unannounced,
                      organization, started_at, ended_at, outcome, device_id, hash, prev_hash,
                      amends_visit_id, doc, county_id, township_id, grid_id, clock_offset_ms, flags, received_at)
  SELECT (d->>'id')::uuid, (d->>'taskId')::uuid, (d->>'placeId')::uuid,
         ARRAY(SELECT jsonb_array_elements_text(d->'subjectIds'))::uuid[],
         ARRAY(SELECT jsonb_array_elements_text(d->'inspectorIds'))::uuid[],
         d->>'shift', d->>'style', (d->'unannounced')::boolean, d->>'organization',
         (d->>'startedAt')::timestamptz, (d->>'endedAt')::timestamptz, d->>'outcome', d->>'deviceId',
         d->>'hash', d->>'prevHash', (d->>'amendsVisitId')::uuid, d,
         (e->>'c')::uuid, (e->>'t')::uuid, (e->>'g')::uuid, (e->>'o')::bigint,
         ARRAY(SELECT jsonb_array_elements_text(e->'f')), (e->>'r')::timestamptz
  FROM jsonb_array_elements($1::jsonb) AS x(e), LATERAL (SELECT e->'d' AS d) AS v
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

const [BEFORE, AFTER] = INSERT_VISITS.split('$1') as [string, string];

/** The jsonb parameter: one array, each visit serialised once (or not at all when `json` is given). */
export function visitInsertParam(rows: readonly VisitInsert[]): string {
  let out = '[';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const server = JSON.stringify({
      c: r.keys.county_id,
      t: r.keys.township_id,
      g: r.keys.grid_id,
      o: r.clockOffsetMs,
      f: r.flags,
      r: r.receivedAt.toISOString(),
    });
    out += `${i ? ',' : ''}{"d":${r.json ?? JSON.stringify(r.visit)},${server.slice(1)}`;
  }
  return out + ']';
}

/** Inserts the visits absent so far; returns how many were inserted (fewer: some id already existed). */
export async function insertVisits(db: Kysely<Database>, rows: readonly VisitInsert[]): Promise<number> {
  if (rows.length === 0) return 0;
  return insertVisitsParam(db, visitInsertParam(rows));
}

/** The same with the parameter already built (the raw-insert benchmark times the statement alone). */
export async function insertVisitsParam(db: Kysely<Database>, param: string): Promise<number> {
  const { rows } = await sql<{ id: string }>`${sql.raw(BEFORE)}${param}${sql.raw(AFTER)}`.execute(db);
  return rows.length;
}
