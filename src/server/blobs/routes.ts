/**
 * PUT /api/blobs/:sha256 and GET /api/blobs/:sha256 (SPEC §8). A blob is addressed by the SHA-256 of
 * its bytes: the upload is verified against its address (a truncated upload is refused and leaves
 * nothing), idempotent, and limited to photos. A download is served only to a user who may see a
 * record referencing the blob; to anyone else it does not exist.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { FastifyError, FastifyInstance } from 'fastify';
import { SHA256_RE } from '../../domain/ids';
import { authenticate } from '../auth/service';
import type { Database } from '../db/schema';
import type { AppDeps } from '../deps';
import { AppError, errorHandler } from '../errors';
import { inScope, managedBy } from '../scope/filters';
import type { Viewer } from '../scope/viewer';
import { FsBlobStore, type BlobStore } from './store';

export const BLOB_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export const MAX_BLOB_BYTES = 15 * 1024 * 1024;

function shaParam(params: unknown): string {
  const sha = (params as { sha256?: unknown }).sha256;
  if (typeof sha !== 'string' || !SHA256_RE.test(sha)) throw new AppError('invalid_id', { path: 'params.sha256' });
  return sha;
}

/** Whether the viewer may see some record that references the blob. */
async function mayRead(db: Kysely<Database>, viewer: Viewer, sha256: string): Promise<boolean> {
  let q = db.selectFrom('blob_refs').select('sha256').where('sha256', '=', sha256);
  const s = viewer.scope;
  if (s.kind === 'manager') {
    // Their own evidence at places they manage: never a photo of someone else's (possibly covert) work.
    q = q
      .where('owner_id', '=', s.userId)
      .where(sql<boolean>`blob_refs.place_id IN (SELECT p.id FROM places p WHERE ${managedBy(s.userId, 'p')})`);
  } else {
    q = q.where(inScope(s, 'blob_refs'));
  }
  return !!(await q.limit(1).executeTakeFirst());
}

export function blobRoutes(app: FastifyInstance, deps: AppDeps, store: BlobStore = new FsBlobStore(path.join(deps.config.dataDir, 'blobs'))): void {
  app.addContentTypeParser([...BLOB_TYPES], { parseAs: 'buffer', bodyLimit: MAX_BLOB_BYTES }, (_req, body, done) => done(null, body));

  const tooLarge = () => new AppError('payload_too_large', { maxBytes: MAX_BLOB_BYTES, hint: '照片不能超过 15 MB，请压缩后重试' });

  app.put(
    '/api/blobs/:sha256',
    {
      bodyLimit: MAX_BLOB_BYTES,
      onRequest: (request, _reply, done) => {
        const length = Number(request.headers['content-length'] ?? 0);
        done(length > MAX_BLOB_BYTES ? tooLarge() : undefined);
      },
      // A streamed body without content-length is cut at the limit: the same clear 413.
      errorHandler: (err, request, reply) =>
        errorHandler((err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? tooLarge() : err) as FastifyError, request, reply),
    },
    async (request, reply) => {
      const viewer = await authenticate(deps.db, request);
      const sha256 = shaParam(request.params);
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(BLOB_TYPES as readonly string[]).includes(contentType) || !Buffer.isBuffer(request.body)) {
        throw new AppError('unsupported_media_type', { allowed: BLOB_TYPES });
      }
      const body = request.body;
      if (createHash('sha256').update(body).digest('hex') !== sha256) {
        throw new AppError('hash_mismatch', { size: body.length }, `blob ${sha256}: body does not match`);
      }
      const known = await deps.db.selectFrom('blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
      if (known && (await store.has(sha256))) return reply.status(200).send({ sha256, size: body.length, contentType, created: false });
      // Bytes first, then the row: a row always means the bytes are there.
      await store.put(sha256, body);
      await deps.db
        .insertInto('blobs')
        .values({ sha256, size: body.length, content_type: contentType, uploaded_by: viewer.user.id })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
      return reply.status(known ? 200 : 201).send({ sha256, size: body.length, contentType, created: !known });
    },
  );

  app.get('/api/blobs/:sha256', async (request, reply) => {
    const viewer = await authenticate(deps.db, request);
    const sha256 = shaParam(request.params);
    const meta = await deps.db.selectFrom('blobs').select(['content_type']).where('sha256', '=', sha256).executeTakeFirst();
    if (!meta || !(await mayRead(deps.db, viewer, sha256))) throw new AppError('not_found');
    const bytes = await store.read(sha256);
    if (!bytes) throw new AppError('not_found');
    return reply
      .header('content-type', meta.content_type)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('etag', `"${sha256}"`)
      .send(bytes);
  });
}
