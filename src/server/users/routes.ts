import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../domain/entities';
import { roleSchema } from '../../domain/enum-schemas';
import { SUPERVISOR_ROLES } from '../../domain/enums';
import { userForReader } from '../../domain/redaction';
import { authenticate } from '../auth/service';
import type { AppDeps } from '../deps';
import { AppError, parse } from '../errors';
import { listQuery, pageRequest, toPage } from '../http/paging';
import { listUsers } from './queries';
import { userFromRow } from './rows';

const userListQuery = listQuery({
  role: roleSchema.optional(),
  regionId: idSchema.optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

export function userRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/users', async (request) => {
    const viewer = await authenticate(deps.db, request);
    // The people directory is for coordinators and county admins (SPEC §5, §6).
    if (!SUPERVISOR_ROLES.includes(viewer.user.role)) throw new AppError('forbidden');
    const query = parse(userListQuery, request.query, 'query');
    const rows = await listUsers(deps.db, viewer, query, pageRequest(query));
    return toPage(rows, query.limit, (r) => userForReader(viewer.user, userFromRow(r)));
  });
}
