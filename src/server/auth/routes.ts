import type { FastifyInstance } from 'fastify';
import { loginRequestSchema } from '../../domain/api';
import { parse } from '../errors';
import type { AppDeps } from '../deps';
import { authenticate, login, logout, me } from './service';

export function authRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post('/api/auth/login', async (request) => {
    const body = parse(loginRequestSchema, request.body);
    return login(deps.db, body, request.ip, deps.config.sessionTtlHours);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const viewer = await authenticate(deps.db, request);
    await logout(deps.db, viewer);
    return reply.status(204).send();
  });

  app.get('/api/me', async (request) => me(await authenticate(deps.db, request)));
}
