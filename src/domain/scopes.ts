/**
 * Scope rules (SPEC §2, §8): which sync buckets a user holds and which rows each bucket carries.
 * The server resolves scopes and filters rows with these functions; the tests use the same ones.
 *
 * Buckets are `grid:<id>` for every role but the building manager, who holds only `place:<id>`
 * buckets of the places they manage — and within those, only what `visibleToBuildingManager` allows.
 */
import type { Case, Place, Region, Subject, User, Visit } from './entities';
import type { EntityName } from './enums';
import { UUID_RE } from './ids';

export type ScopeKind = 'grid' | 'place';
export type ScopeKey = `grid:${string}` | `place:${string}`;

export function gridScope(id: string): ScopeKey {
  return `grid:${id}`;
}

export function placeScope(id: string): ScopeKey {
  return `place:${id}`;
}

export function parseScope(key: string): { kind: ScopeKind; id: string } | null {
  const m = /^(grid|place):(.+)$/.exec(key);
  if (!m || !UUID_RE.test(m[2]!)) return null;
  return { kind: m[1] as ScopeKind, id: m[2]! };
}

type RegionLike = Pick<Region, 'id' | 'parentId' | 'level'>;
type PlaceLike = Pick<Place, 'id' | 'gridId' | 'managerIds'>;
type UserLike = Pick<User, 'id' | 'role' | 'regionId'>;

/** Ids of `regionId` and every region beneath it. */
export function regionsUnder(regionId: string, regions: readonly RegionLike[]): Set<string> {
  const children = new Map<string, string[]>();
  for (const r of regions) {
    if (r.parentId === null) continue;
    const list = children.get(r.parentId);
    if (list) list.push(r.id);
    else children.set(r.parentId, [r.id]);
  }
  const out = new Set<string>([regionId]);
  const stack = [regionId];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      if (!out.has(c)) {
        out.add(c);
        stack.push(c);
      }
    }
  }
  return out;
}

/** The ids of the grid-level regions equal to or beneath `regionId`, in the order of `regions`. */
export function gridsUnder(regionId: string, regions: readonly RegionLike[]): string[] {
  const under = regionsUnder(regionId, regions);
  return regions.filter((r) => r.level === 'grid' && under.has(r.id)).map((r) => r.id);
}

/** `regionId` and its ancestors up to the county. */
export function regionPath(regionId: string, regions: readonly RegionLike[]): string[] {
  const byId = new Map(regions.map((r) => [r.id, r]));
  const out: string[] = [];
  let cur = byId.get(regionId);
  while (cur && !out.includes(cur.id)) {
    out.push(cur.id);
    cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
  }
  return out;
}

/** Whether `userId` is one of the place's building managers. */
export function managesPlace(userId: string, place: Pick<Place, 'managerIds'>): boolean {
  return place.managerIds.includes(userId);
}

export function managedPlaceIds(userId: string, places: readonly PlaceLike[]): string[] {
  return places.filter((p) => managesPlace(userId, p)).map((p) => p.id);
}

/** The sync buckets a user holds now. */
export function scopesForUser(
  user: UserLike,
  regions: readonly RegionLike[],
  places: readonly PlaceLike[],
): ScopeKey[] {
  switch (user.role) {
    case 'building_manager':
      return managedPlaceIds(user.id, places).map(placeScope);
    case 'grid_worker':
    case 'township_coordinator':
    case 'county_admin':
      return gridsUnder(user.regionId, regions).map(gridScope);
  }
}

/** Extra facts a row may not carry itself: the grid of a place (for visits) or of a subject (ledger events). */
export interface RowLookup {
  gridOfPlace?: (placeId: string) => string | undefined;
  gridOfSubject?: (subjectId: string) => string | undefined;
}

type AnyRow = Record<string, unknown>;

function str(row: AnyRow, key: string): string | undefined {
  const v = row[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The buckets a row belongs to. Users and checklist templates are not grid data (empty list); a
 * region belongs to its own grid bucket when it is a grid.
 */
export function rowScopes(entity: EntityName, row: AnyRow, lookup: RowLookup = {}): ScopeKey[] {
  const out: ScopeKey[] = [];
  const placeId = str(row, 'placeId');
  switch (entity) {
    case 'region':
      if (row.level === 'grid' && typeof row.id === 'string') out.push(gridScope(row.id));
      break;
    case 'place': {
      const grid = str(row, 'gridId');
      if (grid) out.push(gridScope(grid));
      if (typeof row.id === 'string') out.push(placeScope(row.id));
      break;
    }
    case 'task':
    case 'subject': {
      const grid = str(row, 'gridId');
      if (grid) out.push(gridScope(grid));
      break;
    }
    case 'ledgerEvent': {
      const subjectId = str(row, 'subjectId');
      const grid = str(row, 'gridId') ?? (subjectId ? lookup.gridOfSubject?.(subjectId) : undefined);
      if (grid) out.push(gridScope(grid));
      break;
    }
    case 'visit':
    case 'case': {
      const grid = str(row, 'gridId') ?? (placeId ? lookup.gridOfPlace?.(placeId) : undefined);
      if (grid) out.push(gridScope(grid));
      if (placeId) out.push(placeScope(placeId));
      break;
    }
    case 'user':
    case 'checklistTemplate':
      break;
  }
  return out;
}

/** Regions a building manager may see: those on the path from their places' grids to the county. */
export function buildingManagerRegionIds(
  managed: Iterable<string>,
  places: readonly Pick<Place, 'id' | 'gridId'>[],
  regions: readonly RegionLike[],
): Set<string> {
  const ids = new Set(managed);
  const out = new Set<string>();
  for (const p of places) if (ids.has(p.id)) for (const r of regionPath(p.gridId, regions)) out.add(r);
  return out;
}

/**
 * The building manager's rule, in one place: their own places (and the regions on the path to them),
 * their own self-checks there that are neither covert nor unannounced, the cases they reported,
 * themselves, and checklist templates. Never tasks, subjects or ledger events.
 */
export function visibleToBuildingManager(
  entity: EntityName,
  row: AnyRow,
  userId: string,
  managedPlaces: ReadonlySet<string>,
  visibleRegionIds: ReadonlySet<string> = new Set(),
): boolean {
  switch (entity) {
    case 'task':
    case 'subject':
    case 'ledgerEvent':
      return false;
    case 'checklistTemplate':
      return true;
    case 'user':
      return row.id === userId;
    case 'region':
      return typeof row.id === 'string' && visibleRegionIds.has(row.id);
    case 'place':
      return typeof row.id === 'string' && managedPlaces.has(row.id);
    case 'visit': {
      const v = row as Partial<Visit>;
      return (
        typeof v.placeId === 'string' &&
        managedPlaces.has(v.placeId) &&
        v.style === 'open' &&
        v.unannounced === false &&
        Array.isArray(v.inspectorIds) &&
        v.inspectorIds.includes(userId)
      );
    }
    case 'case':
      return (row as Partial<Case>).reportedBy === userId;
  }
}

export interface ScopeContext {
  regions: readonly RegionLike[];
  places: readonly PlaceLike[];
  subjects?: readonly Pick<Subject, 'id' | 'gridId'>[];
}

/**
 * Whether `user` may see `row` of `entity`, for every role. Grid-scoped roles see rows of the grids
 * under their region, the regions on their path and beneath it, and colleagues of those regions.
 */
export function canSee(user: UserLike, entity: EntityName, row: AnyRow, ctx: ScopeContext): boolean {
  if (user.role === 'building_manager') {
    const managed = new Set(managedPlaceIds(user.id, ctx.places));
    return visibleToBuildingManager(
      entity,
      row,
      user.id,
      managed,
      buildingManagerRegionIds(managed, ctx.places, ctx.regions),
    );
  }
  const under = regionsUnder(user.regionId, ctx.regions);
  const related = (regionId: unknown) =>
    typeof regionId === 'string' && (under.has(regionId) || regionPath(user.regionId, ctx.regions).includes(regionId));
  switch (entity) {
    case 'checklistTemplate':
      return true;
    case 'region':
      return related(row.id);
    case 'user':
      return row.id === user.id || related(row.regionId);
    default: {
      const grids = new Set(gridsUnder(user.regionId, ctx.regions));
      const placeGrid = new Map(ctx.places.map((p) => [p.id, p.gridId]));
      const subjectGrid = new Map((ctx.subjects ?? []).map((s) => [s.id, s.gridId]));
      const scopes = rowScopes(entity, row, {
        gridOfPlace: (id) => placeGrid.get(id),
        gridOfSubject: (id) => subjectGrid.get(id),
      });
      return scopes.some((s) => {
        const p = parseScope(s);
        return p?.kind === 'grid' && grids.has(p.id);
      });
    }
  }
}

