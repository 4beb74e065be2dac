/** HTTP of the sync protocol (SPEC §8): push, pull, and the conflict list for coordinators. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SUPERVISOR_ROLES } from '../../domain/enums';
import { pullRequestSchema, pushRequestSchema } from '../../domain/sync';
import { PUSH_BODY_LIMIT } from '../../domain/transfer';
import { authenticate } from '../auth/service';
import type { AppDeps } from '../deps';
import { AppError, parse } from '../errors';
import { Semaphore } from '../util/semaphore';
import { listConflicts } from './conflicts';
import { pull, pullResponseJson } from './pull';
import { decodeBody, PreworkPool } from './prework';
import { PushQueue } from './push-group';

const conflictQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().regex(/^\d{1,18}$/).optional(),
});

/**
 * The longest a pull waits for the pushes queued before it to be taken into groups (see syncRoutes).
 * Measured with bench/devices.ts on 2026-12-07: the crowd's later push p95 49 ms instead of 60, the
 * herd's push p95 0.9–1.0 s instead of 1.4 s; pulls a little later under such a crowd.
 */
const PULL_YIELD_MS = 250;

/** A JSON body as received, its bytes, not decoded or parsed yet (see the push route). */
class JsonBytes {
  constructor(readonly bytes: Buffer) {}
}

export function syncRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Pushes that arrive while the server is busy share one transaction (group commit, push-group.ts).
  const pushes = new PushQueue(deps.db, { blobs: deps.blobs });
  // A large push's prework runs in a worker thread from the body's text (prework.ts).
  const prework = new PreworkPool({ onError: (err) => app.log.warn({ err }, 'push prework worker failed; pushes do their own') });
  app.addHook('onClose', () => prework.close());
  // The push route takes its JSON body as bytes, in a context of its own: the signed-in caller's body
  // goes to the worker as bytes and is decoded and parsed here by Fastify's own JSON parser (same
  // errors, same poisoning checks) — after authentication, so an anonymous request costs neither
  // thread a parse.
  void app.register((scope, _opts, ready) => {
    // Fastify's default JSON parser is callback-style (request, text, done).
    const defaultJson = scope.getDefaultJsonParser('error', 'error') as (request: FastifyRequest, text: string, done: (err: Error | null, body?: unknown) => void) => void;
    const parseJson = (request: FastifyRequest, text: string) =>
      new Promise<unknown>((resolve, reject) => defaultJson(request, text, (err, body) => (err ? reject(err) : resolve(body))));
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, bytes, done) => done(null, new JsonBytes(bytes as Buffer)));
    scope.post('/api/sync/push', { bodyLimit: PUSH_BODY_LIMIT }, async (request) => {
      const viewer = await authenticate(deps.db, request);
      const bytes = request.body instanceof JsonBytes ? request.body.bytes : null;
      const job = bytes === null ? undefined : prework.start(bytes);
      const body = parse(pushRequestSchema, bytes === null ? request.body : await parseJson(request, decodeBody(bytes)));
      return pushes.push(viewer, body, job);
    });
    ready();
  });

  // Pulls take turns (config.syncPullConcurrency): a device's pending pushes never queue behind a
  // crowd of snapshot downloads for a connection or the event loop. Signed in and validated first.
  // And pushes go first: while pushes wait for a group, a pull waits too (PULL_YIELD_MS at most).
  // A device that has its push answered pulls at once and would otherwise take the CPU and a
  // connection from the crowd still waiting for its answers: their records are safe only once
  // committed, its pull merely brings it up to date.
  const pulls = new Semaphore(deps.config.syncPullConcurrency);
  app.post('/api/sync/pull', async (request, reply) => {
    const viewer = await authenticate(deps.db, request);
    const body = parse(pullRequestSchema, request.body);
    const json = await pulls.run(async () => {
      await pushes.calm(PULL_YIELD_MS);
      return pullResponseJson(await pull(deps.db, viewer, body));
    });
    return reply.type('application/json; charset=utf-8').send(json);
  });

  app.get('/api/sync/conflicts', async (request) => {
    const viewer = await authenticate(deps.db, request);
    if (!SUPERVISOR_ROLES.includes(viewer.user.role)) throw new AppError('forbidden');
    const q = parse(conflictQuery, request.query, 'query');
    const items = await listConflicts(deps.db, viewer, q.limit, q.before ?? null);
    return { items, nextCursor: items.length === q.limit ? items[items.length - 1]!.id : null };
  });
}
