import type { Kysely } from 'kysely';
import type { PlaceKind, RiskLevel } from '../../domain/enums';
import type { Database, PlaceRow } from '../db/schema';
import type { PageRequest } from '../http/paging';
import { inScope, likePattern, managedBy } from '../scope/filters';
import type { Viewer } from '../scope/viewer';

export interface PlaceFilters {
  gridId?: string | undefined;
  kind?: PlaceKind | undefined;
  riskLevel?: RiskLevel | undefined;
  q?: string | undefined;
}

function visiblePlaces(db: Kysely<Database>, viewer: Viewer) {
  const scope = viewer.scope;
  return db
    .selectFrom('places')
    .selectAll()
    .where(scope.kind === 'manager' ? managedBy(scope.userId) : inScope(scope, 'places'));
}

export async function listPlaces(db: Kysely<Database>, viewer: Viewer, f: PlaceFilters, page: PageRequest): Promise<PlaceRow[]> {
  let q = visiblePlaces(db, viewer).orderBy('id').limit(page.limit + 1);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (f.gridId) q = q.where('grid_id', '=', f.gridId);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.riskLevel) q = q.where('risk_level', '=', f.riskLevel);
  if (f.q) {
    const pattern = likePattern(f.q);
    q = q.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('address', 'ilike', pattern)]));
  }
  return q.execute();
}

export async function getPlace(db: Kysely<Database>, viewer: Viewer, id: string): Promise<PlaceRow | undefined> {
  return visiblePlaces(db, viewer).where('id', '=', id).executeTakeFirst();
}
