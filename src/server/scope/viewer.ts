/**
 * The caller of an API request and the part of the county they may see (SPEC §2), resolved from
 * the database on every request — the server keeps no state in memory. SQL filters derive from
 * `Scope` in `scope/filters.ts`; the rules are those of `src/domain/scopes.ts`.
 */
import { sql, type Kysely } from 'kysely';
import type { User } from '../../domain/entities';
import type { Database, RegionRow } from '../db/schema';
import { regionIdsUnder } from './filters';

export type Scope =
  /** County, township and community/grid roots: every grid under the user's region. */
  | { kind: 'county'; countyId: string }
  | { kind: 'township'; townshipId: string }
  | { kind: 'grids'; gridIds: string[] }
  /** A building manager: only their own places, and within those only what they may see. */
  | { kind: 'manager'; userId: string };

export interface Viewer {
  user: User;
  deviceId: string;
  tokenHash: string;
  region: RegionRow;
  /** From the county down to `region`. */
  regionPath: RegionRow[];
  scope: Scope;
}

export async function regionPathOf(db: Kysely<Database>, regionId: string): Promise<RegionRow[]> {
  return (await regionPathsOf(db, [regionId])).get(regionId) ?? [];
}

/** The path from the county down to each of `regionIds` (one query), keyed by the region id. */
export async function regionPathsOf(db: Kysely<Database>, regionIds: string[]): Promise<Map<string, RegionRow[]>> {
  const { rows } = await sql<RegionRow & { start_id: string; depth: number }>`
    WITH RECURSIVE path AS (
      SELECT r.*, r.id AS start_id, 0 AS depth FROM regions r WHERE r.id = ANY(${sql.val(regionIds)}::uuid[])
      UNION ALL
      SELECT p.*, path.start_id, path.depth + 1 FROM regions p JOIN path ON p.id = path.parent_id
    )
    SELECT * FROM path ORDER BY start_id, depth DESC`.execute(db);
  const out = new Map<string, RegionRow[]>();
  for (const { start_id, depth: _d, ...r } of rows) {
    const path = out.get(start_id) ?? [];
    path.push(r);
    out.set(start_id, path);
  }
  return out;
}

export async function gridIdsUnder(db: Kysely<Database>, regionId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT r.id FROM regions r WHERE r.level = 'grid' AND r.id IN ${regionIdsUnder(regionId)} ORDER BY r.id`.execute(db);
  return rows.map((r) => r.id);
}

export async function resolveScope(db: Kysely<Database>, user: User, region: RegionRow): Promise<Scope> {
  if (user.role === 'building_manager') return { kind: 'manager', userId: user.id };
  if (region.level === 'county') return { kind: 'county', countyId: region.id };
  if (region.level === 'township') return { kind: 'township', townshipId: region.id };
  // A grid is its own only grid; a community's grids are looked up.
  return { kind: 'grids', gridIds: region.level === 'grid' ? [region.id] : await gridIdsUnder(db, region.id) };
}
