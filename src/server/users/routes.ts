import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../domain/entities';
import { roleSchema } from '../../domain/enum-schemas';
import { phoneForRole } from '../../domain/validators';
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

/** The people directory is for coordinators and county admins (SPEC §5, §6). */
const DIRECTORY_ROLES = new Set(['township_coordinator', 'county_admin']);

export function userRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/users', async (request) => {
    const viewer = await authenticate(deps.db, request);
    if (!DIRECTORY_ROLES.has(viewer.user.role)) throw new AppError('forbidden');
    const query = parse(userListQuery, request.query, 'query');
    const rows = await listUsers(deps.db, viewer, query, pageRequest(query));
    return toPage(rows, query.limit, (r) => {
      const u = userFromRow(r);
      // PIPL minimisation: phone numbers masked below the county (SPEC §9).
      return { ...u, phone: phoneForRole(viewer.user.role, u.phone) };
    });
  });
}
