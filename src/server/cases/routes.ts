import type { FastifyInstance } from 'fastify';
import { idSchema } from '../../domain/entities';
import { caseSourceSchema, caseStatusSchema } from '../../domain/enum-schemas';
import { caseForReader } from '../../domain/redaction';
import { authenticate } from '../auth/service';
import type { AppDeps } from '../deps';
import { AppError, parse } from '../errors';
import { idParam } from '../http/params';
import { listQuery, pageRequest, toPage } from '../http/paging';
import { getCase, listCases } from './queries';
import { caseFromRow } from './rows';

const caseListQuery = listQuery({
  status: caseStatusSchema.optional(),
  source: caseSourceSchema.optional(),
  gridId: idSchema.optional(),
});

export function caseRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/cases', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const query = parse(caseListQuery, request.query, 'query');
    const rows = await listCases(deps.db, viewer, query, pageRequest(query));
    return toPage(rows, query.limit, (r) => caseForReader(viewer.user, caseFromRow(r)));
  });

  app.get('/api/cases/:id', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const row = await getCase(deps.db, viewer, idParam(request.params));
    if (!row) throw new AppError('not_found');
    return caseForReader(viewer.user, caseFromRow(row));
  });
}
