import { sql, type Kysely } from 'kysely';
import type { Role } from '../../domain/enums';
import type { Database } from '../db/schema';
import type { PageRequest } from '../http/paging';
import { likePattern, regionIdsAround } from '../scope/filters';
import type { Viewer } from '../scope/viewer';
import { USER_COLUMNS } from './rows';

export interface UserFilters {
  role?: Role | undefined;
  regionId?: string | undefined;
  q?: string | undefined;
}

/** Colleagues whose region is the viewer's region, beneath it, or on the path above it. */
export async function listUsers(db: Kysely<Database>, viewer: Viewer, f: UserFilters, page: PageRequest) {
  let q = db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where(sql<boolean>`users.region_id IN ${regionIdsAround(viewer)}`)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (f.role) q = q.where('role', '=', f.role);
  if (f.regionId) q = q.where('region_id', '=', f.regionId);
  if (f.q) {
    const pattern = likePattern(f.q);
    q = q.where((eb) => eb.or([eb('display_name', 'ilike', pattern), eb('username', 'ilike', pattern)]));
  }
  return q.execute();
}
