/**
 * POST /api/sync/pull (SPEC §8), in one REPEATABLE READ, read-only transaction:
 *
 * - the caller's scopes are resolved now (grid roles: every grid under their region; building
 *   managers: `place:<id>` of the places they manage; everyone: `global`); requested scopes no longer
 *   held are dropped; new ones are snapshotted from a null cursor;
 * - per scope, rows and tombstones with `(_xid, id) > cursor` and `_xid` below the snapshot's xmin
 *   (the xid8 horizon) are merged in `(_xid, id)` order up to the page limit, so a transaction that
 *   commits late is delivered later, never skipped;
 * - `lastMutationId` is read in the same snapshot and under the same horizon.
 *
 * Visits, most of what a pull carries, go out as their stored document's text (`RawJson`): the
 * document is the visit as §3 has it, so parsing it and serialising it again would only cost time
 * (`pullResponseJson` writes the response).
 *
 * A building manager's place scope reads only the place, their own open self-checks there and the
 * cases they reported (redacted like the case API): it never queries tasks, subjects or the ledger,
 * and its tombstones are only those of rows the manager could have seen.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { GLOBAL_SCOPE, encodeCursor, decodeCursor, type Change, type PullRequest, type PullResponse } from '../../domain/sync';
import type { EntityName } from '../../domain/enums';
import { PULL_PAGE_LIMIT } from '../../domain/transfer';
import { caseForReader, ledgerEventForReader, placeForReader, subjectForReader, userForReader } from '../../domain/redaction';
import type { Database } from '../db/schema';
import { AppError } from '../errors';
import { caseFromRow } from '../cases/rows';
import { placeFromRow } from '../places/rows';
import { regionFromRow } from '../regions/rows';
import { ledgerEventFromRow, subjectFromRow } from '../subjects/rows';
import { taskFromRow } from '../tasks/rows';
import { templateFromRow } from '../templates/rows';
import { userFromRow, USER_COLUMNS } from '../users/rows';
import { managedBy, managerVisibleVisits } from '../scope/filters';
import type { Viewer } from '../scope/viewer';

const NIL = '00000000-0000-0000-0000-000000000000';
/** The cursor of a scope that has delivered nothing yet: it reveals nothing about other scopes. */
const START_CURSOR = encodeCursor('0', NIL);

type Row = Record<string, unknown> & { id: string; xid_text: string };

interface Source {
  entity: EntityName;
  /** FROM + WHERE (without the cursor condition); the table is aliased `t`. */
  from: RawBuilder<unknown>;
  columns?: RawBuilder<unknown>;
  map(row: Row): Record<string, unknown> | RawJson;
}

interface Tombstones {
  where: RawBuilder<unknown>;
  /**
   * True for a tombstone whose row is live, in this pull's snapshot, in another scope the caller
   * holds (see `liveInHeldGrid`, `liveInHeldPlace`): it goes out as a put of the row as it is now.
   */
  live?: RawBuilder<unknown>;
}

/** The entities a grid scope holds by their `grid_id`. */
const GRID_ENTITIES = ['place', 'subject', 'ledgerEvent', 'task', 'visit', 'case'] as const;

/** The table of each entity, for the current row of a tombstone that goes out as a put. */
const TABLE_OF: Record<EntityName, string> = {
  region: 'regions',
  user: 'users',
  place: 'places',
  subject: 'subjects',
  ledgerEvent: 'ledger_events',
  checklistTemplate: 'checklist_templates',
  task: 'tasks',
  visit: 'visits',
  case: 'cases',
};

/**
 * A stored JSON document passed through to the response as its text. `toJSON` gives the parsed value,
 * so any other serialiser (and a caller reading `JSON.stringify` output) sees the same document.
 */
export class RawJson {
  constructor(readonly json: string) {}
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

export type PulledChange = Omit<Change, 'data'> & { data?: Record<string, unknown> | RawJson };
export type PullResult = Omit<PullResponse, 'changes'> & { changes: PulledChange[] };

/** The pull response as JSON, stored documents spliced in as they are (PostgreSQL's jsonb text). */
export function pullResponseJson(res: PullResult): string {
  const { changes, ...head } = res;
  let out = `${JSON.stringify(head).slice(0, -1)},"changes":[`;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if (i > 0) out += ',';
    out +=
      c.data instanceof RawJson
        ? `{"entity":${JSON.stringify(c.entity)},"op":${JSON.stringify(c.op)},"id":${JSON.stringify(c.id)},"data":${c.data.json}}`
        : JSON.stringify(c);
  }
  return `${out}]}`;
}

interface Item {
  xid: bigint;
  id: string;
  change: PulledChange;
}

const ids = (list: string[]) => sql`${sql.val(list)}::uuid[]`;

/**
 * A grid or managed-place scope the caller holds, with what its sources need: the grid, its township
 * and the ids of the regions from the county down to it (at most county → township → community →
 * grid, each region carrying its ancestors' keys).
 */
interface HeldScope {
  id: string;
  gridId: string | null;
  townshipId: string | null;
  path: string[];
}

interface GridRow {
  grid_id: string | null;
  county_id: string | null;
  township_id: string | null;
  parent_id: string | null;
}

function heldScope(id: string, g: GridRow): HeldScope {
  const path = [g.county_id, g.township_id, g.parent_id, g.grid_id].filter((x): x is string => !!x);
  return { id, gridId: g.grid_id, townshipId: g.township_id, path: [...new Set(path)] };
}

/** The scopes the caller holds now, `global` first (it needs nothing), resolved in one query. */
async function currentScopes(db: Kysely<Database>, viewer: Viewer): Promise<Map<string, HeldScope | null>> {
  const s = viewer.scope;
  const held = new Map<string, HeldScope | null>([[GLOBAL_SCOPE, null]]);
  if (s.kind === 'manager') {
    const rows = await db
      .selectFrom('places')
      .leftJoin('regions as g', 'g.id', 'places.grid_id')
      .select(['places.id', 'g.id as grid_id', 'g.county_id', 'g.township_id', 'g.parent_id'])
      .where(managedBy(s.userId))
      .orderBy('places.id')
      .execute();
    for (const r of rows) held.set(`place:${r.id}`, heldScope(r.id, r));
  } else {
    let q = db.selectFrom('regions').select(['id', 'id as grid_id', 'county_id', 'township_id', 'parent_id']).where('level', '=', 'grid');
    if (s.kind === 'county') q = q.where('county_id', '=', s.countyId);
    else if (s.kind === 'township') q = q.where('township_id', '=', s.townshipId);
    else q = q.where('id', '=', sql<string>`ANY(${ids(s.gridIds)})`);
    for (const r of await q.orderBy('id').execute()) held.set(`grid:${r.id}`, heldScope(r.id, r));
  }
  return held;
}

const asRow = <T>(r: Row) => r as unknown as T;

const USER_SOURCE_COLUMNS = sql.raw(USER_COLUMNS.map((c) => `t.${c}`).join(', '));

/** A visit is its stored document (see `visitFromRow`), sent as the text PostgreSQL keeps. */
const VISIT_DOC_COLUMNS = sql`t.id, t.doc::text AS doc_json, t._xid`;
const visitDoc = (r: Row) => new RawJson(r.doc_json as string);

/**
 * What a grid tombstone must not delete: a row that left one grid the caller holds for another they
 * also hold (a task handed to the next grid, a worker moved, seen by their township coordinator) is
 * still theirs. Such a tombstone goes out as a put of the row as it is now — never left out: the
 * other scope's put may come pages later, or after the other grid was revoked, and meanwhile the
 * device must hold the row where it is (its grid), so that losing that grid purges it. A row deleted
 * or gone to a grid they do not hold is not live in a held grid: its tombstone goes out as such.
 */
function liveInHeldGrid(held: Held) {
  const grids = ids(held.grids);
  const inGrid = GRID_ENTITIES.map(
    (e) => sql`WHEN ${sql.lit(e)} THEN EXISTS (SELECT 1 FROM ${sql.table(TABLE_OF[e])} r WHERE r.id = t.row_id AND r.grid_id = ANY(${grids}))`,
  );
  return sql`CASE t.entity
    ${sql.join(inGrid, sql` `)}
    WHEN 'user' THEN EXISTS (SELECT 1 FROM users r WHERE r.id = t.row_id AND ${colleagueOf('r', grids, ids(held.townships))})
    ELSE false END`;
}

/** The same for a building manager's place tombstone: their own visible visit or report at another place they manage. */
function liveInHeldPlace(held: Held, me: string) {
  const places = ids(held.places);
  return sql`CASE t.entity
    WHEN 'visit' THEN EXISTS (SELECT 1 FROM visits r WHERE r.id = t.row_id AND r.place_id = ANY(${places}) AND ${managerVisibleVisits(me, 'r')})
    WHEN 'case' THEN EXISTS (SELECT 1 FROM cases r WHERE r.id = t.row_id AND r.place_id = ANY(${places}) AND r.reported_by = ${me})
    ELSE false END`;
}

/**
 * The users a grid scope carries, for grids `grids` of townships `townships`: the grids' own users and
 * their townships' coordinators (who have no grid). One rule for the scope's rows and its tombstones.
 */
function colleagueOf(alias: string, grids: RawBuilder<unknown>, townships: RawBuilder<unknown>) {
  const u = (column: string) => sql.ref(`${alias}.${column}`);
  return sql`(${u('grid_id')} = ANY(${grids}) OR (${u('grid_id')} IS NULL AND ${u('role')} = 'township_coordinator' AND ${u('township_id')} = ANY(${townships})))`;
}

/** The grids (and their townships) and managed places the caller holds, for `liveInHeldGrid` and `liveInHeldPlace`. */
interface Held {
  grids: string[];
  townships: string[];
  places: string[];
}

function sourcesFor(viewer: Viewer, key: string, scope: HeldScope | null, held: Held): { sources: Source[]; tombstones: Tombstones | null } {
  const me = viewer.user.id;
  const reader = viewer.user;
  const userData = (r: Row) => userForReader(reader, userFromRow(asRow(r)));

  if (key === GLOBAL_SCOPE) {
    return {
      sources: [
        { entity: 'checklistTemplate', from: sql`checklist_templates t WHERE true`, map: (r) => templateFromRow(asRow(r)) },
        { entity: 'user', from: sql`users t WHERE t.id = ${me}`, columns: USER_SOURCE_COLUMNS, map: userData },
      ],
      tombstones: null,
    };
  }

  if (!scope?.gridId) return { sources: [], tombstones: null };
  const { id, path } = scope;
  if (key.startsWith('grid:')) {
    const g = sql`t.grid_id = ${id}`;
    return {
      sources: [
        { entity: 'region', from: sql`regions t WHERE t.id = ANY(${ids(path)})`, map: (r) => regionFromRow(asRow(r)) },
        {
          entity: 'user',
          // Colleagues of the grid and the township's coordinators: names and roles, never password data.
          from: sql`users t WHERE ${colleagueOf('t', ids([id]), ids(scope.townshipId ? [scope.townshipId] : []))}`,
          columns: USER_SOURCE_COLUMNS,
          map: userData,
        },
        { entity: 'place', from: sql`places t WHERE ${g}`, map: (r) => placeForReader(reader, placeFromRow(asRow(r))) },
        { entity: 'subject', from: sql`subjects t WHERE ${g}`, map: (r) => subjectForReader(reader, subjectFromRow(asRow(r))) },
        { entity: 'ledgerEvent', from: sql`ledger_events t WHERE ${g}`, map: (r) => ledgerEventForReader(reader, ledgerEventFromRow(asRow(r))) },
        { entity: 'task', from: sql`tasks t WHERE ${g}`, map: (r) => taskFromRow(asRow(r)) },
        { entity: 'visit', from: sql`visits t WHERE ${g}`, columns: VISIT_DOC_COLUMNS, map: visitDoc },
        { entity: 'case', from: sql`cases t WHERE ${g}`, map: (r) => caseForReader(reader, caseFromRow(asRow(r))) },
      ],
      tombstones: {
        // The grid's own, and the township's coordinators who left it (migration 7: no grid of their own).
        where: sql`(t.grid_id = ${id} OR (t.entity = 'user' AND t.grid_id IS NULL AND t.township_id = ${scope.townshipId}))`,
        live: liveInHeldGrid(held),
      },
    };
  }

  // A building manager's place, as `currentScopes` found it managed in this pull's snapshot. Its
  // regions go out when they change and when the place does: a place moved to another grid brings
  // that grid and its parents along, though they did not change themselves.
  return {
    sources: [
      {
        entity: 'region',
        from: sql`(SELECT r.id, r.parent_id, r.level, r.name, r.code, r.boundary, r.county_id, r.township_id, r.grid_id,
                          r.version, r.created_at, r.updated_at, greatest(r._xid, p._xid) AS _xid
                   FROM regions r JOIN places p ON p.id = ${id} WHERE r.id = ANY(${ids(path)})) t WHERE true`,
        map: (r) => regionFromRow(asRow(r)),
      },
      { entity: 'place', from: sql`places t WHERE t.id = ${id}`, map: (r) => placeForReader(reader, placeFromRow(asRow(r))) },
      {
        entity: 'visit',
        from: sql`visits t WHERE t.place_id = ${id} AND ${managerVisibleVisits(me, 't')}`,
        columns: VISIT_DOC_COLUMNS,
        map: visitDoc,
      },
      {
        entity: 'case',
        from: sql`cases t WHERE t.place_id = ${id} AND t.reported_by = ${me}`,
        map: (r) => caseForReader(reader, caseFromRow(asRow(r))),
      },
    ],
    tombstones: {
      where: sql`t.place_id = ${id} AND t.manager_visible AND (t.entity = 'place' OR t.owner_ids @> ARRAY[${me}]::uuid[])`,
      live: liveInHeldPlace(held, me),
    },
  };
}

/**
 * The rows of the live tombstones as they are now, mapped as this scope's source of their entity maps
 * them (the same redaction); keyed `entity:id`.
 */
async function liveRows(db: Kysely<Database>, sources: readonly Source[], live: readonly { entity: EntityName; row_id: string }[]): Promise<Map<string, Record<string, unknown> | RawJson>> {
  const out = new Map<string, Record<string, unknown> | RawJson>();
  const byEntity = new Map<EntityName, string[]>();
  for (const r of live) byEntity.set(r.entity, [...(byEntity.get(r.entity) ?? []), r.row_id]);
  for (const [entity, rowIds] of byEntity) {
    const source = sources.find((s) => s.entity === entity);
    if (!source) continue;
    const { rows } = await sql<Row>`SELECT ${source.columns ?? sql`t.*`} FROM ${sql.table(TABLE_OF[entity])} t WHERE t.id = ANY(${ids(rowIds)})`.execute(db);
    for (const r of rows) out.set(`${entity}:${r.id}`, source.map(r));
  }
  return out;
}

/** `(xid, id)` order; at the same key a put before a tombstone. */
const compare = (a: Item, b: Item) =>
  a.xid < b.xid ? -1 : a.xid > b.xid ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.change.op === b.change.op ? 0 : a.change.op === 'put' ? -1 : 1;

/** What one scope's page reads: its sources and tombstones, and the window past its cursor. */
interface ScopePlan {
  key: string;
  cursor: string | null;
  sources: Source[];
  tombstones: Tombstones | null;
  /** `(_xid, id)` past the cursor and below the horizon, for rows (`id`) and tombstones (`row_id`). */
  window: RawBuilder<unknown>;
  tombstoneWindow: RawBuilder<unknown>;
}

function scopePlan(viewer: Viewer, key: string, scope: HeldScope | null, cursor: string | null, horizon: string, held: Held): ScopePlan {
  const { sources, tombstones } = sourcesFor(viewer, key, scope, held);
  const after = cursor ? decodeCursor(cursor) : { xid: '0', id: NIL };
  const windowOn = (id: string) =>
    sql`(t._xid, ${sql.ref(`t.${id}`)}) > (${after.xid}::xid8, ${after.id}::uuid) AND t._xid < ${horizon}::xid8`;
  // A snapshot (null cursor) holds only live rows: older tombstones concern rows it does not contain.
  return { key, cursor, sources, tombstones: cursor ? tombstones : null, window: windowOn('id'), tombstoneWindow: windowOn('row_id') };
}

/** The EXISTS test of each source (then the tombstones) of a plan, in that order. */
function probesOf(plan: ScopePlan): RawBuilder<unknown>[] {
  const out = plan.sources.map((s) => sql`EXISTS (SELECT 1 FROM ${s.from} AND ${plan.window})`);
  if (plan.tombstones) out.push(sql`EXISTS (SELECT 1 FROM tombstones t WHERE ${plan.tombstones.where} AND ${plan.tombstoneWindow})`);
  return out;
}

/** Probes answered by one statement (each a few parameters; PostgreSQL takes at most 65,535). */
const PROBES_PER_STATEMENT = 400;

/**
 * Which sources and tombstones of `plans` have anything in their window, as one flag list per plan
 * (`probesOf` order). Most pulls of a device in the field find one or two of a scope's nine sources
 * changed: asking which, in one statement for all scopes, spares the statements of the others, and
 * each statement's round trip costs more than its index probe. The answer is exact: every statement
 * of the pull reads the same snapshot.
 */
async function changedSources(db: Kysely<Database>, plans: readonly ScopePlan[]): Promise<boolean[][]> {
  const perPlan = plans.map(probesOf);
  const probes = perPlan.flat();
  let flags = '';
  for (let i = 0; i < probes.length; i += PROBES_PER_STATEMENT) {
    // A flat ARRAY, not a chain of `||`: an expression nested 400 deep exhausts PGlite's stack.
    const chunk = probes.slice(i, i + PROBES_PER_STATEMENT).map((p) => sql`(${p})::int`);
    const { rows } = await sql<{ flags: string }>`SELECT array_to_string(ARRAY[${sql.join(chunk)}], '') AS flags`.execute(db);
    flags += rows[0]!.flags;
  }
  let at = 0;
  return perPlan.map((list) => list.map(() => flags[at++] === '1'));
}

async function pullScope(db: Kysely<Database>, plan: ScopePlan, changed: readonly boolean[], limit: number): Promise<{ items: Item[]; more: boolean }> {
  const { sources, tombstones, window } = plan;
  let more = false;
  const items: Item[] = [];
  for (const [i, s] of sources.entries()) {
    if (!changed[i]) continue;
    // The page is cut first, then projected: a sort below a computed column (the visit's doc::text)
    // would compute it for every row of the window, not only for the page.
    const { rows } = await sql<Row>`
      SELECT ${s.columns ?? sql`t.*`}, t._xid::text AS xid_text
      FROM (SELECT t.* FROM ${s.from} AND ${window} ORDER BY t._xid, t.id LIMIT ${limit}) t
      ORDER BY t._xid, t.id`.execute(db);
    if (rows.length === limit) more = true;
    for (const r of rows) items.push({ xid: BigInt(r.xid_text), id: r.id, change: { entity: s.entity, op: 'put', id: r.id, data: s.map(r) } });
  }
  if (tombstones && changed[sources.length]) {
    const { rows } = await sql<{ entity: EntityName; row_id: string; xid_text: string; live: boolean }>`
      SELECT t.entity, t.row_id, t._xid::text AS xid_text, ${tombstones.live ?? sql`false`} AS live FROM tombstones t
      WHERE ${tombstones.where} AND ${plan.tombstoneWindow}
      ORDER BY t._xid, t.row_id LIMIT ${limit}`.execute(db);
    if (rows.length === limit) more = true;
    const current = await liveRows(db, sources, rows.filter((r) => r.live));
    for (const r of rows) {
      const data = r.live ? current.get(`${r.entity}:${r.row_id}`) : undefined;
      items.push({ xid: BigInt(r.xid_text), id: r.row_id, change: data ? { entity: r.entity, op: 'put', id: r.row_id, data } : { entity: r.entity, op: 'del', id: r.row_id } });
    }
  }
  items.sort(compare);
  // A row that left the scope and came back (or was deleted and re-inserted) in one transaction has
  // tombstones with the same (xid, id) as its live row — one per time it left: the live row is what
  // holds. Puts sort first, so a page never ends between them with only a tombstone delivered; one
  // change per key goes out.
  const kept = items.filter((it, i) => {
    const before = items[i - 1];
    return !(before && before.xid === it.xid && before.id === it.id && before.change.entity === it.change.entity);
  });
  if (kept.length > limit) {
    more = true;
    kept.length = limit;
  }
  return { items: kept, more };
}

/**
 * The pull's first statement, which takes its snapshot: the horizon (the snapshot's xmin), the epoch,
 * and the client's last mutation whose effects lie below the horizon (so this pull or an earlier one
 * carries them). Every push transaction that advanced the client wrote one `sync_batch` row stamped
 * with its `_xid`; a batch at or above the horizon may have written rows this pull does not deliver
 * yet, so the answer stops just before the first seq of the earliest such batch. Otherwise every
 * batch the snapshot sees is below the horizon and `last_mutation_id` (read in the same snapshot) holds.
 */
async function pullHead(db: Kysely<Database>, viewer: Viewer, clientId: string): Promise<{ horizon: string; epoch: string; lastMutationId: number }> {
  const { rows } = await sql<{ horizon: string; epoch: string | null; user_id: string | null; last: string | null; pending: string | null }>`
    WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
    SELECT h.xmin::text AS horizon,
           (SELECT m.value FROM meta m WHERE m.key = 'epoch') AS epoch,
           c.user_id, c.last_mutation_id::text AS last,
           (SELECT min(b.first_seq)::text FROM sync_batch b WHERE b.client_id = ${clientId} AND b._xid >= h.xmin) AS pending
    FROM h LEFT JOIN sync_client c ON c.client_id = ${clientId}`.execute(db);
  const r = rows[0]!;
  if (r.user_id && r.user_id !== viewer.user.id) throw new AppError('forbidden', undefined, `client ${clientId} belongs to another user`);
  const lastMutationId = !r.user_id ? 0 : r.pending != null ? Number(r.pending) - 1 : Number(r.last);
  return { horizon: r.horizon, epoch: r.epoch ?? '', lastMutationId };
}

export async function pull(db: Kysely<Database>, viewer: Viewer, req: PullRequest): Promise<PullResult> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const { horizon, epoch, lastMutationId } = await pullHead(trx, viewer, req.clientId);
      const reset = req.epoch !== epoch;
      const scopes = await currentScopes(trx, viewer);
      const dropScopes = Object.keys(req.cursors).filter((k) => !scopes.has(k));
      const grids = [...scopes].filter(([k, s]) => k.startsWith('grid:') && s?.gridId).map(([, s]) => s!);
      const held: Held = {
        grids: grids.map((s) => s.gridId!),
        townships: [...new Set(grids.flatMap((s) => (s.townshipId ? [s.townshipId] : [])))],
        places: [...scopes].filter(([k, s]) => k.startsWith('place:') && s).map(([, s]) => s!.id),
      };
      const plans = [...scopes].map(([key, scope]) => scopePlan(viewer, key, scope, reset ? null : (req.cursors[key] ?? null), horizon, held));
      const changed = await changedSources(trx, plans);

      let budget = req.limit ?? PULL_PAGE_LIMIT;
      let hasMore = false;
      const cursors: Record<string, string | null> = {};
      const changes: PulledChange[] = [];
      for (const [i, plan] of plans.entries()) {
        const { key, cursor } = plan;
        if (budget === 0) {
          cursors[key] = cursor;
          hasMore = true;
          continue;
        }
        const { items, more } = await pullScope(trx, plan, changed[i]!, budget);
        const last = items[items.length - 1];
        cursors[key] = last ? encodeCursor(last.xid, last.id) : (cursor ?? START_CURSOR);
        for (const it of items) changes.push(it.change);
        budget -= items.length;
        if (more) hasMore = true;
      }
      return { epoch, lastMutationId, hasMore, cursors, dropScopes, changes };
    });
}
