/**
 * Local effects of sync answers, each meant to run INSIDE the caller's Dexie transaction: applying a
 * server change, holding it back while local work on the row is pending, purging dropped scopes and
 * forgetting synced data after a server restore.
 */
import type { EntityName } from '../../domain/enums';
import { rowScopes } from '../../domain/scopes';
import type { Change } from '../../domain/sync';
import { ENTITY_TABLES, rowKey, type GridPatrolDB } from '../db/database';

/** Every table a pull page may touch, for the page's transaction. */
export function pullTables(db: GridPatrolDB) {
  return [
    ...Object.values(ENTITY_TABLES).map((name) => db.table(name)),
    db.outbox,
    db.meta,
    db.shadows,
  ];
}

/** The `entity:id` keys of outbox entries, optionally only those after `afterSeq`. */
export async function pendingKeys(db: GridPatrolDB, afterSeq = 0): Promise<Set<string>> {
  const keys = new Set<string>();
  await db.outbox.where('seq').above(afterSeq).each((e) => {
    for (const k of e.keys) keys.add(k);
  });
  return keys;
}

export async function applyChange(db: GridPatrolDB, change: Change): Promise<void> {
  const table = db.entityTable(change.entity);
  if (change.op === 'del') await table.delete(change.id);
  else if (change.data) await table.put({ ...change.data, id: change.id } as never);
}

/**
 * Applies `change` unless the row has pending local work; then the server's row waits as a shadow,
 * so a rejected mutation can fall back to it (the pull cursor has already moved past it).
 */
export async function applyOrShadow(db: GridPatrolDB, change: Change, pending: ReadonlySet<string>): Promise<boolean> {
  const key = rowKey(change.entity, change.id);
  if (pending.has(key)) {
    await db.shadows.put({ key, change });
    return false;
  }
  await applyChange(db, change);
  await db.shadows.delete(key);
  return true;
}

/**
 * Applies the shadows of rows no outbox entry touches any more. A base (the row before local work)
 * is restored only if a change to the row was rejected (`rejectedKeys` now, or marked earlier while
 * other work on the row was still pending); otherwise the confirmed local row stands.
 */
export async function settleShadows(db: GridPatrolDB, rejectedKeys: ReadonlySet<string> = new Set()): Promise<void> {
  const shadows = await db.shadows.toArray();
  if (shadows.length === 0) return;
  const pending = await pendingKeys(db);
  for (const s of shadows) {
    const rejected = s.rejected === true || rejectedKeys.has(s.key);
    if (pending.has(s.key)) {
      if (s.base && rejected && !s.rejected) await db.shadows.put({ ...s, rejected: true });
      continue;
    }
    if (!s.base || rejected) await applyChange(db, s.change);
    await db.shadows.delete(s.key);
  }
}

const SCOPED: EntityName[] = ['region', 'place', 'subject', 'ledgerEvent', 'task', 'visit', 'case'];

/**
 * Deletes rows that belonged to a dropped scope and to no scope still held, except rows with
 * pending local work. Checklist templates belong to no scope and stay; colleagues go with their grid.
 * Returns the dropped scopes whose rows were spared for pending work.
 */
export async function purgeScopes(
  db: GridPatrolDB,
  dropped: ReadonlySet<string>,
  held: ReadonlySet<string>,
  pending: ReadonlySet<string>,
): Promise<Set<string>> {
  const spared = new Set<string>();
  const regions = new Map((await db.regions.toArray()).map((r) => [r.id, r]));
  const places = await db.places.toArray();
  const subjects = await db.subjects.toArray();
  const gridOfPlace = new Map(places.map((p) => [p.id, p.gridId]));
  const gridOfSubject = new Map(subjects.map((s) => [s.id, s.gridId]));
  const lookup = { gridOfPlace: (id: string) => gridOfPlace.get(id), gridOfSubject: (id: string) => gridOfSubject.get(id) };
  for (const entity of SCOPED) {
    const table = db.entityTable(entity);
    const doomed: string[] = [];
    await table.each((row) => {
      const r = row as unknown as Record<string, unknown> & { id: string };
      const scopes = rowScopes(entity, r, lookup);
      if (!scopes.some((s) => dropped.has(s)) || scopes.some((s) => held.has(s))) return;
      if (!pending.has(rowKey(entity, r.id))) doomed.push(r.id);
      else for (const s of scopes) if (dropped.has(s)) spared.add(s);
    });
    await table.bulkDelete(doomed);
  }
  // Colleagues arrive with a grid (its workers, its township's coordinators) and leave with it
  // (SPEC §9, minimisation); the signed-in user's own row stays.
  const pathOf = (gridId: string): string[] => {
    const out: string[] = [];
    for (let id: string | null | undefined = gridId, depth = 0; id && depth < 8; depth++, id = regions.get(id)?.parentId) out.push(id);
    return out;
  };
  const gridsOf = (keys: ReadonlySet<string>) => [...keys].filter((k) => k.startsWith('grid:')).map((k) => k.slice('grid:'.length));
  const heldRegions = new Set(gridsOf(held).flatMap(pathOf));
  const droppedRegions = new Set(gridsOf(dropped).flatMap(pathOf));
  const leaving = (await db.users.toArray())
    .filter((u) => u.id !== db.userId)
    .filter((u) => droppedRegions.has(u.regionId) && !heldRegions.has(u.regionId));
  const kept = leaving.filter((u) => pending.has(rowKey('user', u.id)));
  if (kept.length > 0) for (const s of dropped) if (s.startsWith('grid:')) spared.add(s);
  await db.users.bulkDelete(leaving.filter((u) => !kept.includes(u)).map((u) => u.id));
  return spared;
}

/**
 * Purges the rows of `dropped` scopes and, with `workEnded` (after a confirmation or a rejection), the
 * rows kept earlier only for their pending work: without this a row of a lost scope would outlive its
 * work on the device forever. The scopes whose purge spared rows are remembered in meta
 * 'sparedScopes', so that the common case (nothing spared) costs nothing.
 */
export async function purgeDropped(
  db: GridPatrolDB,
  dropped: readonly string[],
  held: ReadonlySet<string>,
  pending: ReadonlySet<string>,
  workEnded: boolean,
): Promise<void> {
  const remembered = (await db.getMeta('sparedScopes')) ?? [];
  const scopes = new Set([...dropped, ...(workEnded ? remembered : [])].filter((s) => !held.has(s)));
  if (scopes.size === 0) return;
  const spared = await purgeScopes(db, scopes, held, pending);
  // A scope held again keeps its rows by being held; it needs no second purge.
  const keep = workEnded ? spared : new Set([...remembered.filter((s) => !held.has(s)), ...spared]);
  await db.setMeta('sparedScopes', [...keep]);
}

/** After a server restore: forget every synced row and shadow, keep rows with pending local work. */
export async function clearSynced(db: GridPatrolDB, pending: ReadonlySet<string>): Promise<void> {
  for (const entity of Object.keys(ENTITY_TABLES) as EntityName[]) {
    const table = db.entityTable(entity);
    const doomed: string[] = [];
    await table.each((row) => {
      const id = (row as unknown as { id: string }).id;
      if (!pending.has(rowKey(entity, id))) doomed.push(id);
    });
    await table.bulkDelete(doomed);
  }
  await db.shadows.clear();
}
