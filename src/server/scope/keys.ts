/**
 * Scope keys (county_id, township_id, grid_id) that every syncable row carries, derived from the
 * region tree: a row of a grid gets all three, a township-level row the first two, a county row one.
 */
import type { Region } from '../../domain/entities';

export interface ScopeKeys {
  county_id: string | null;
  township_id: string | null;
  grid_id: string | null;
}

export const NO_SCOPE: ScopeKeys = { county_id: null, township_id: null, grid_id: null };

type RegionLike = Pick<Region, 'id' | 'parentId' | 'level'>;

export class RegionTree {
  readonly #byId: Map<string, RegionLike>;

  constructor(regions: readonly RegionLike[]) {
    this.#byId = new Map(regions.map((r) => [r.id, r]));
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  level(id: string): RegionLike['level'] | undefined {
    return this.#byId.get(id)?.level;
  }

  /** Keys of a row that belongs to region `regionId` (a grid, community, township or county). */
  keysOf(regionId: string): ScopeKeys {
    const keys: ScopeKeys = { ...NO_SCOPE };
    const seen = new Set<string>();
    let cur = this.#byId.get(regionId);
    if (!cur) throw new Error(`unknown region ${regionId}`);
    while (cur && !seen.has(cur.id)) {
      seen.add(cur.id);
      if (cur.level === 'county') keys.county_id = cur.id;
      else if (cur.level === 'township') keys.township_id = cur.id;
      else if (cur.level === 'grid') keys.grid_id = cur.id;
      cur = cur.parentId === null ? undefined : this.#byId.get(cur.parentId);
    }
    return keys;
  }
}
