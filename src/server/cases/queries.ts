import type { Kysely } from 'kysely';
import type { CaseSource, CaseStatus } from '../../domain/enums';
import type { CaseRow, Database } from '../db/schema';
import type { PageRequest } from '../http/paging';
import { inScope } from '../scope/filters';
import type { Viewer } from '../scope/viewer';

export interface CaseFilters {
  status?: CaseStatus | undefined;
  source?: CaseSource | undefined;
  gridId?: string | undefined;
}

/** A building manager sees the cases they reported, nothing else. */
function visibleCases(db: Kysely<Database>, viewer: Viewer) {
  const q = db.selectFrom('cases').selectAll();
  const scope = viewer.scope;
  return scope.kind === 'manager' ? q.where('reported_by', '=', scope.userId) : q.where(inScope(scope, 'cases'));
}

export async function listCases(db: Kysely<Database>, viewer: Viewer, f: CaseFilters, page: PageRequest): Promise<CaseRow[]> {
  let q = visibleCases(db, viewer).orderBy('id').limit(page.limit + 1);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.source) q = q.where('source', '=', f.source);
  if (f.gridId) q = q.where('grid_id', '=', f.gridId);
  return q.execute();
}

export async function getCase(db: Kysely<Database>, viewer: Viewer, id: string): Promise<CaseRow | undefined> {
  return visibleCases(db, viewer).where('id', '=', id).executeTakeFirst();
}
