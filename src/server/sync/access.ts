/**
 * Authorisation checks the mutations share, on the caller's scope as resolved for this request.
 * Rows carry their scope keys, so "in scope" is a comparison, not a query.
 */
import type { Kysely } from 'kysely';
import type { Database, PlaceRow } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';
import type { Viewer } from '../scope/viewer';
import { managesPlace } from '../../domain/scopes';
import { Rejection } from './registry';

/** Whether a row with these keys lies in a grid-scoped caller's region. Building managers: never. */
export function keysInScope(viewer: Viewer, keys: Partial<ScopeKeys>): boolean {
  const s = viewer.scope;
  switch (s.kind) {
    case 'county':
      return keys.county_id === s.countyId;
    case 'township':
      return keys.township_id === s.townshipId;
    case 'grids':
      return typeof keys.grid_id === 'string' && s.gridIds.includes(keys.grid_id);
    case 'manager':
      return false;
  }
}

/** The place if the caller may work on it; the same rejection whether it is missing or out of scope. */
export function placeForCaller(viewer: Viewer, place: PlaceRow | null): PlaceRow {
  const visible = place && (viewer.user.role === 'building_manager' ? managesPlace(viewer.user.id, { managerIds: place.manager_ids }) : keysInScope(viewer, place));
  if (visible) return place;
  throw new Rejection('place_not_found', '场所不存在或不在您的管辖范围内');
}

export function keysOf(row: ScopeKeys): ScopeKeys {
  return { county_id: row.county_id, township_id: row.township_id, grid_id: row.grid_id };
}

/** Scope keys of a grid, read from its region row (which carries its own keys). */
export async function keysOfGrid(db: Kysely<Database>, gridId: string): Promise<ScopeKeys | null> {
  const r = await db
    .selectFrom('regions')
    .select(['county_id', 'township_id', 'grid_id'])
    .where('id', '=', gridId)
    .where('level', '=', 'grid')
    .executeTakeFirst();
  return r ?? null;
}

export function requireRole(viewer: Viewer, roles: readonly string[], what: string): void {
  if (!roles.includes(viewer.user.role)) throw new Rejection('forbidden', `您的角色无权${what}`);
}
