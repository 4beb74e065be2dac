import type { FastifyInstance } from 'fastify';
import { idSchema, instantSchema } from '../../domain/entities';
import { visitOutcomeSchema } from '../../domain/enum-schemas';
import { authenticate } from '../auth/service';
import type { AppDeps } from '../deps';
import { AppError, parse } from '../errors';
import { idParam } from '../http/params';
import { listQuery, pageRequest, toPage } from '../http/paging';
import { getVisit, listVisits } from './queries';
import { visitFromRow } from './rows';

const visitListQuery = listQuery({
  placeId: idSchema.optional(),
  gridId: idSchema.optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  outcome: visitOutcomeSchema.optional(),
});

export function visitRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/visits', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const query = parse(visitListQuery, request.query, 'query');
    const rows = await listVisits(deps.db, viewer, query, pageRequest(query));
    return toPage(rows, query.limit, visitFromRow);
  });

  app.get('/api/visits/:id', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const row = await getVisit(deps.db, viewer, idParam(request.params));
    if (!row) throw new AppError('not_found');
    return visitFromRow(row);
  });
}
