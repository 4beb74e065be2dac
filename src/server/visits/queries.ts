import { sql, type Kysely } from 'kysely';
import type { VisitOutcome } from '../../domain/enums';
import type { Database, VisitRow } from '../db/schema';
import type { PageRequest } from '../http/paging';
import { inScope, managedBy, managerVisibleVisits } from '../scope/filters';
import type { Viewer } from '../scope/viewer';

export interface VisitFilters {
  placeId?: string | undefined;
  gridId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  outcome?: VisitOutcome | undefined;
}

/**
 * A building manager sees only their own self-checks at places they manage, and never a covert or
 * unannounced visit (`visibleToBuildingManager` in src/domain/scopes.ts).
 */
function visibleVisits(db: Kysely<Database>, viewer: Viewer) {
  const q = db.selectFrom('visits').selectAll();
  const scope = viewer.scope;
  if (scope.kind !== 'manager') return q.where(inScope(scope, 'visits'));
  return q
    .where(managerVisibleVisits(scope.userId))
    .where(sql<boolean>`visits.place_id IN (SELECT p.id FROM places p WHERE ${managedBy(scope.userId, 'p')})`);
}

export async function listVisits(db: Kysely<Database>, viewer: Viewer, f: VisitFilters, page: PageRequest): Promise<VisitRow[]> {
  let q = visibleVisits(db, viewer).orderBy('id').limit(page.limit + 1);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (f.placeId) q = q.where('place_id', '=', f.placeId);
  if (f.gridId) q = q.where('grid_id', '=', f.gridId);
  if (f.from) q = q.where('started_at', '>=', new Date(f.from));
  if (f.to) q = q.where('started_at', '<', new Date(f.to));
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  return q.execute();
}

export async function getVisit(db: Kysely<Database>, viewer: Viewer, id: string): Promise<VisitRow | undefined> {
  return visibleVisits(db, viewer).where('id', '=', id).executeTakeFirst();
}
