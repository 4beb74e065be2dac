import type { FastifyInstance } from 'fastify';
import type { HealthResponse } from '../../domain/api';
import { getMeta } from '../db/meta';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { VERSION } from '../version';

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/health', async (request): Promise<HealthResponse> => {
    let epoch: string | undefined;
    try {
      epoch = await getMeta(deps.db, 'epoch');
    } catch (err) {
      request.log.error({ err }, 'health check: database unreachable');
      throw new AppError('unavailable');
    }
    if (!epoch) throw new AppError('unavailable', undefined, 'database not migrated');
    return { ok: true, version: VERSION, db: deps.dbKind, epoch };
  });
}
