import type { Region } from '../../domain/entities';
import type { RegionLevel } from '../../domain/enums';
import type { RegionRow, RegionsTable } from '../db/schema';
import type { Insertable } from 'kysely';
import type { ScopeKeys } from '../scope/keys';

export function regionFromRow(r: RegionRow): Region {
  return {
    id: r.id,
    parentId: r.parent_id,
    level: r.level as RegionLevel,
    name: r.name,
    code: r.code,
    boundary: (r.boundary as Region['boundary']) ?? null,
  };
}

export function regionToRow(e: Region, keys: ScopeKeys): Insertable<RegionsTable> {
  return {
    id: e.id,
    parent_id: e.parentId,
    level: e.level,
    name: e.name,
    code: e.code,
    boundary: e.boundary ? JSON.stringify(e.boundary) : null,
    ...keys,
  };
}
