import { sql, type Kysely } from 'kysely';
import type { RegionLevel } from '../../domain/enums';
import type { Database, RegionRow } from '../db/schema';
import type { PageRequest } from '../http/paging';
import { managedBy, regionIdsAround } from '../scope/filters';
import type { Viewer } from '../scope/viewer';

export interface RegionFilters {
  level?: RegionLevel | undefined;
  parentId?: string | undefined;
}

/**
 * Regions a viewer may see: their region's ancestors and everything beneath it; for a building
 * manager, the path from each managed place's grid up to the county.
 */
function visibleRegionIds(viewer: Viewer) {
  if (viewer.scope.kind === 'manager') {
    return sql<{ id: string }>`(
      WITH RECURSIVE up AS (
        SELECT r.id, r.parent_id FROM regions r
          WHERE r.id IN (SELECT p.grid_id FROM places p WHERE ${managedBy(viewer.user.id, 'p')})
        UNION
        SELECT r.id, r.parent_id FROM regions r JOIN up ON r.id = up.parent_id
      ) SELECT id FROM up)`;
  }
  return regionIdsAround(viewer);
}

export async function listRegions(db: Kysely<Database>, viewer: Viewer, f: RegionFilters, page: PageRequest): Promise<RegionRow[]> {
  let q = db
    .selectFrom('regions')
    .selectAll()
    .where(sql<boolean>`regions.id IN ${visibleRegionIds(viewer)}`)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (f.level) q = q.where('level', '=', f.level);
  if (f.parentId) q = q.where('parent_id', '=', f.parentId);
  return q.execute();
}
