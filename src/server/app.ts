/**
 * The Fastify application: API routes, the one error handler, security headers, and the built PWA
 * from dist/client with an SPA fallback. `buildApp` takes an open database so tests share one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyCompress from '@fastify/compress';
import type { Config } from './config';
import { openDb, pgliteDirFor, type Db } from './db/connect';
import type { AppDeps } from './deps';
import { AppError, errorBody, errorHandler } from './errors';
import { registerSecurityHeaders } from './http/security';
import { authRoutes } from './auth/routes';
import { caseRoutes } from './cases/routes';
import { healthRoutes } from './health/routes';
import { placeRoutes } from './places/routes';
import { regionRoutes } from './regions/routes';
import { settingsRoutes } from './settings/routes';
import { subjectRoutes } from './subjects/routes';
import { taskRoutes } from './tasks/routes';
import { tilesRoutes } from './tiles/routes';
import { userRoutes } from './users/routes';
import { visitRoutes } from './visits/routes';
import { syncRoutes } from './sync/routes';
import { blobRoutes } from './blobs/routes';
import { FsBlobStore } from './blobs/store';

export const JSON_BODY_LIMIT = 1024 * 1024;

export const CLIENT_DIR = fileURLToPath(new URL('../../dist/client', import.meta.url));

export interface BuildOptions {
  /** An open database; without it `buildApp` opens one from the config and closes it with the app. */
  db?: Db;
  /** Directory of the built PWA; defaults to dist/client. */
  clientDir?: string;
  logger?: boolean;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const db = opts.db ?? (await openDb({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirFor(config.dataDir) }));
  const app = Fastify({
    logger: (opts.logger ?? config.nodeEnv !== 'test') ? { level: config.logLevel ?? (config.nodeEnv === 'production' ? 'info' : 'debug') } : false,
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: config.nodeEnv === 'production' ? 'loopback' : false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  if (!opts.db) app.addHook('onClose', () => db.close());

  const deps: AppDeps = { config, db: db.kysely, dbKind: db.kind, blobs: new FsBlobStore(path.join(config.dataDir, 'blobs')) };
  app.setErrorHandler(errorHandler);
  registerSecurityHeaders(app, config.tileUrl);
  // Field links are slow and metered: JSON answers (a pull page is up to a megabyte of visits) go
  // compressed to any client that accepts it — brotli where the browser offers it (HTTPS), else gzip —
  // and a device may send its push compressed (gzip). The body limits count the inflated bytes.
  // Registered before the routes: it hooks every route added after it.
  await app.register(fastifyCompress, {
    encodings: ['br', 'gzip'],
    requestEncodings: ['gzip'],
    onUnsupportedRequestEncoding: (encoding) => new AppError('unsupported_encoding', { encoding }, `content-encoding ${encoding}`),
    onInvalidRequestPayload: (encoding, _request, error) => new AppError('malformed_body', { encoding }, error.message),
  });

  healthRoutes(app, deps);
  settingsRoutes(app, deps);
  tilesRoutes(app, deps);
  authRoutes(app, deps);
  regionRoutes(app, deps);
  userRoutes(app, deps);
  placeRoutes(app, deps);
  subjectRoutes(app, deps);
  taskRoutes(app, deps);
  visitRoutes(app, deps);
  caseRoutes(app, deps);
  syncRoutes(app, deps);
  blobRoutes(app, deps);

  const clientDir = opts.clientDir ?? CLIENT_DIR;
  const hasClient = fs.existsSync(path.join(clientDir, 'index.html'));
  if (hasClient) {
    // Files are looked up per request (wildcard), so a new build served by a running process — an app
    // update — is found at once; hashed assets are immutable, the shell and the service worker never.
    await app.register(fastifyStatic, {
      root: clientDir,
      wildcard: true,
      index: ['index.html'],
      // The build writes brotli and gzip copies of its text files (build/precompress.ts).
      preCompressed: true,
      setHeaders: (reply, filePath) => {
        const rel = path.relative(clientDir, filePath);
        void reply.header('cache-control', rel.startsWith('assets' + path.sep) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url.split('?')[0] ?? '';
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (hasClient && (request.method === 'GET' || request.method === 'HEAD') && wantsHtml && !url.startsWith('/api/') && url !== '/api') {
      // SPA fallback: client-side routes load the shell; the app is never cached stale by the browser.
      void reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    }
    return reply.status(404).send(errorBody('not_found'));
  });
  return app;
}
