import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../domain/entities';
import { subjectCategorySchema, subjectStatusSchema } from '../../domain/enum-schemas';
import { ledgerEventForReader, subjectForReader } from '../../domain/redaction';
import { authenticate } from '../auth/service';
import type { AppDeps } from '../deps';
import { AppError, parse } from '../errors';
import { idParam } from '../http/params';
import { listQuery, pageRequest, toPage } from '../http/paging';
import type { Scope, Viewer } from '../scope/viewer';
import { getSubject, ledgerOfSubject, listLedgerEvents, listSubjects } from './queries';
import { ledgerEventFromRow, subjectFromRow } from './rows';

const subjectListQuery = listQuery({
  gridId: idSchema.optional(),
  category: subjectCategorySchema.optional(),
  status: subjectStatusSchema.optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

const ledgerListQuery = listQuery({ subjectId: idSchema.optional(), gridId: idSchema.optional() });

/**
 * The key-subject ledger is never shown to a building manager (SPEC §2). The answer is 403 for the
 * whole resource, whatever the id: it depends on the role alone, so it reveals nothing about rows.
 */
export function staffScope(viewer: Viewer): Exclude<Scope, { kind: 'manager' }> {
  if (viewer.scope.kind === 'manager') throw new AppError('forbidden', undefined, 'building managers have no ledger access');
  return viewer.scope;
}

export function subjectRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/subjects', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const scope = staffScope(viewer);
    const query = parse(subjectListQuery, request.query, 'query');
    const rows = await listSubjects(deps.db, scope, query, pageRequest(query));
    return toPage(rows, query.limit, (r) => subjectForReader(viewer.user, subjectFromRow(r)));
  });

  app.get('/api/subjects/:id', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const id = idParam(request.params);
    const row = await getSubject(deps.db, staffScope(viewer), id);
    if (!row) throw new AppError('not_found');
    const events = await ledgerOfSubject(deps.db, id);
    return {
      ...subjectForReader(viewer.user, subjectFromRow(row)),
      ledgerEvents: events.map((e) => ledgerEventForReader(viewer.user, ledgerEventFromRow(e))),
    };
  });

  app.get('/api/ledger-events', async (request) => {
    const viewer = await authenticate(deps.db, request);
    const scope = staffScope(viewer);
    const query = parse(ledgerListQuery, request.query, 'query');
    const rows = await listLedgerEvents(deps.db, scope, query, pageRequest(query));
    return toPage(rows, query.limit, (r) => ledgerEventForReader(viewer.user, ledgerEventFromRow(r)));
  });
}
