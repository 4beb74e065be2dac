import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../domain/entities';
import { placeKindSchema, riskLevelSchema } from '../../domain/enum-schemas';
import { placeForReader } from '../../domain/redaction';
import { authenticate } from '../auth/service';
import type { AppDeps } from '../deps';
import { AppError, parse } from '../errors';
import { idParam } from '../http/params';
import { listQuery, pageRequest, toPage } from '../http/paging';
import { getPlace, listPlaces } from './queries';
import { placeFromRow } from './rows';

const placeListQuery = listQuery({
  gridId: idSchema.optional(),
  kind: placeKindSchema.optional(),
  riskLevel: riskLevelSchema.optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

export function placeRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/places', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const query = parse(placeListQuery, request.query, 'query');
    const rows = await listPlaces(deps.db, viewer, query, pageRequest(query));
    return toPage(rows, query.limit, (r) => placeForReader(viewer.user, placeFromRow(r)));
  });

  app.get('/api/places/:id', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const id = idParam(request.params);
    const row = await getPlace(deps.db, viewer, id);
    if (!row) throw new AppError('not_found');
    return placeForReader(viewer.user, placeFromRow(row));
  });
}
