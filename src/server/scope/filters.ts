/**
 * SQL filters that keep every list inside the caller's scope. Rows carry scope keys, so a county
 * admin filters on county_id, a coordinator on township_id and a grid worker on grid_id — the same
 * sets `gridsUnder` of `src/domain/scopes.ts` yields, because the keys are derived from the region tree.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Scope, Viewer } from './viewer';

/** For tables with scope keys. The building manager is handled per table by the caller. */
export function inScope(scope: Exclude<Scope, { kind: 'manager' }>, table: string): Expression<SqlBool> {
  switch (scope.kind) {
    case 'county':
      return sql<SqlBool>`${sql.ref(`${table}.county_id`)} = ${scope.countyId}`;
    case 'township':
      return sql<SqlBool>`${sql.ref(`${table}.township_id`)} = ${scope.townshipId}`;
    case 'grids':
      return scope.gridIds.length === 0
        ? sql<SqlBool>`false`
        : sql<SqlBool>`${sql.ref(`${table}.grid_id`)} = ANY(${sql.val(scope.gridIds)}::uuid[])`;
  }
}

/** Places a building manager manages (GIN index on manager_ids). */
export function managedBy(userId: string, table = 'places'): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(`${table}.manager_ids`)} @> ARRAY[${userId}]::uuid[]`;
}

/**
 * Visits a building manager may see: their own open self-checks, never a covert or unannounced
 * visit (`visibleToBuildingManager` in src/domain/scopes.ts). The caller also limits the visits to
 * places the manager manages.
 */
export function managerVisibleVisits(userId: string, table = 'visits'): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(`${table}.style`)} = 'open' AND NOT ${sql.ref(`${table}.unannounced`)} AND ${sql.ref(`${table}.inspector_ids`)} @> ARRAY[${userId}]::uuid[]`;
}

/** `regionId` and every region beneath it (`regionsUnder` of src/domain/scopes.ts), as a CTE query. */
function subtreeQuery(regionId: string) {
  return sql<{ id: string }>`WITH RECURSIVE down AS (
      SELECT r.id FROM regions r WHERE r.id = ${regionId}
      UNION ALL
      SELECT r.id FROM regions r JOIN down ON r.parent_id = down.id
    ) SELECT id FROM down`;
}

/** Ids of `regionId` and every region beneath it, as a subquery: `x IN ${regionIdsUnder(id)}`. */
export function regionIdsUnder(regionId: string) {
  return sql<{ id: string }>`(${subtreeQuery(regionId)})`;
}

/**
 * Ids of the viewer's region, every region beneath it and its ancestors up to the county, as a
 * subquery: the regions a viewer other than a building manager sees, and whose people they may list.
 */
export function regionIdsAround(viewer: Viewer) {
  const pathIds = viewer.regionPath.map((r) => r.id);
  return sql<{ id: string }>`(${subtreeQuery(viewer.region.id)} UNION SELECT unnest(${sql.val(pathIds)}::uuid[]))`;
}

/** Escapes LIKE wildcards in a user's search text. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
