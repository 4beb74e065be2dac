import type { FastifyInstance } from 'fastify';
import { idSchema, instantSchema } from '../../domain/entities';
import { shiftSchema, taskStatusSchema } from '../../domain/enum-schemas';
import { authenticate } from '../auth/service';
import type { AppDeps } from '../deps';
import { AppError, parse } from '../errors';
import { listQuery, pageRequest, toPage } from '../http/paging';
import { listTasks } from './queries';
import { taskFromRow } from './rows';

const taskListQuery = listQuery({
  gridId: idSchema.optional(),
  status: taskStatusSchema.optional(),
  shift: shiftSchema.optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
});

export function taskRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/tasks', async (request) => {
    const viewer = await authenticate(deps.db, request);
    // Tasks may be covert or unannounced: never for a building manager, whatever the filters (SPEC §2).
    if (viewer.scope.kind === 'manager') throw new AppError('forbidden', undefined, 'building managers have no task access');
    const query = parse(taskListQuery, request.query, 'query');
    const rows = await listTasks(deps.db, viewer.scope, query, pageRequest(query));
    return toPage(rows, query.limit, taskFromRow);
  });
}
