import type { Kysely } from 'kysely';
import type { Shift, TaskStatus } from '../../domain/enums';
import type { Database, TaskRow } from '../db/schema';
import type { PageRequest } from '../http/paging';
import { inScope } from '../scope/filters';
import type { Scope } from '../scope/viewer';

export interface TaskFilters {
  gridId?: string | undefined;
  status?: TaskStatus | undefined;
  shift?: Shift | undefined;
  /** Tasks whose window overlaps [from, to). */
  from?: string | undefined;
  to?: string | undefined;
}

export async function listTasks(
  db: Kysely<Database>,
  scope: Exclude<Scope, { kind: 'manager' }>,
  f: TaskFilters,
  page: PageRequest,
): Promise<TaskRow[]> {
  let q = db.selectFrom('tasks').selectAll().where(inScope(scope, 'tasks')).orderBy('id').limit(page.limit + 1);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (f.gridId) q = q.where('grid_id', '=', f.gridId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.shift) q = q.where('shift', '=', f.shift);
  if (f.from) q = q.where('window_end', '>', new Date(f.from));
  if (f.to) q = q.where('window_start', '<', new Date(f.to));
  return q.execute();
}
