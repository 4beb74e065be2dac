import type { FastifyInstance } from 'fastify';
import { idSchema } from '../../domain/entities';
import { regionLevelSchema } from '../../domain/enum-schemas';
import { authenticate } from '../auth/service';
import type { AppDeps } from '../deps';
import { parse } from '../errors';
import { listQuery, pageRequest, toPage } from '../http/paging';
import { listRegions } from './queries';
import { regionFromRow } from './rows';

const regionListQuery = listQuery({ level: regionLevelSchema.optional(), parentId: idSchema.optional() });

export function regionRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/regions', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const query = parse(regionListQuery, request.query, 'query');
    const rows = await listRegions(deps.db, viewer, query, pageRequest(query));
    return toPage(rows, query.limit, regionFromRow);
  });
}
