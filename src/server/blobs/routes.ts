/**
 * PUT /api/blobs/:sha256 and GET /api/blobs/:sha256 (SPEC §8). A blob is addressed by the SHA-256 of
 * its bytes: the upload is verified against its address (a truncated upload is refused and leaves
 * nothing), idempotent, and limited to photos. A download is served only to a user who may see a
 * record referencing the blob; to anyone else it does not exist.
 *
 * A large blob may be uploaded in chunks (`Content-Range`, see src/domain/transfer.ts) and resumed
 * after an interruption from the offset `GET /api/blobs/:sha256/upload` reports.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { FastifyError, FastifyInstance } from 'fastify';
import { BLOB_TYPES, MAX_BLOB_BYTES, parseContentRange, type BlobUploadStatus } from '../../domain/transfer';
import { authenticate } from '../auth/service';
import type { Database } from '../db/schema';
import type { AppDeps } from '../deps';
import { AppError, errorHandler } from '../errors';
import { sha256Param } from '../http/params';
import { inScope, managedBy } from '../scope/filters';
import type { Viewer } from '../scope/viewer';

/** The blob's content type if the viewer may see some record that references it; else null. One query. */
async function readableType(db: Kysely<Database>, viewer: Viewer, sha256: string): Promise<string | null> {
  const s = viewer.scope;
  const row = await db
    .selectFrom('blobs')
    .select('content_type')
    .where('sha256', '=', sha256)
    .where((eb) => {
      const refs = eb.selectFrom('blob_refs').select('blob_refs.sha256').whereRef('blob_refs.sha256', '=', 'blobs.sha256');
      return eb.exists(
        s.kind === 'manager'
          ? // Their own evidence at places they manage: never a photo of someone else's (possibly covert) work.
            refs
              .where('blob_refs.owner_id', '=', s.userId)
              .where(sql<boolean>`blob_refs.place_id IN (SELECT p.id FROM places p WHERE ${managedBy(s.userId, 'p')})`)
          : refs.where(inScope(s, 'blob_refs')),
      );
    })
    .executeTakeFirst();
  return row?.content_type ?? null;
}

/** An unfinished upload nobody resumed for this long is removed when the server starts. */
export const PARTIAL_UPLOAD_MAX_AGE_MS = 14 * 24 * 3600 * 1000;

export function blobRoutes(app: FastifyInstance, deps: AppDeps): void {
  const store = deps.blobs;
  app.addHook('onReady', async () => {
    const removed = await store.sweepPartials(PARTIAL_UPLOAD_MAX_AGE_MS);
    if (removed > 0) app.log.info({ removed }, 'removed abandoned partial blob uploads');
  });
  app.addContentTypeParser([...BLOB_TYPES], { parseAs: 'buffer', bodyLimit: MAX_BLOB_BYTES }, (_req, body, done) => done(null, body));

  const tooLarge = () => new AppError('payload_too_large', { maxBytes: MAX_BLOB_BYTES, hint: '照片不能超过 15 MB，请压缩后重试' });

  /** The size of the blob when it is stored whole (its row and its bytes), else null. */
  const storedSize = async (sha256: string): Promise<number | null> => {
    const row = await deps.db.selectFrom('blobs').select('size').where('sha256', '=', sha256).executeTakeFirst();
    return row && (await store.has(sha256)) ? Number(row.size) : null;
  };

  const insertRow = (sha256: string, size: number, contentType: string, viewer: Viewer) =>
    deps.db
      .insertInto('blobs')
      .values({ sha256, size, content_type: contentType, uploaded_by: viewer.user.id })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();

  // Chunks of one blob are decided one at a time: two devices resuming the same photo see one offset.
  const busy = new Map<string, Promise<unknown>>();
  const serially = <T>(sha256: string, run: () => Promise<T>): Promise<T> => {
    const result = (busy.get(sha256) ?? Promise.resolve()).then(run, run);
    const settled = result.catch(() => undefined);
    busy.set(sha256, settled);
    void settled.then(() => {
      if (busy.get(sha256) === settled) busy.delete(sha256);
    });
    return result;
  };

  /** One chunk of a resumable upload, appended only at the offset stored so far. */
  const putChunk = (viewer: Viewer, sha256: string, contentType: string, header: string, body: Buffer) => {
    const range = parseContentRange(header);
    if (!range || body.length !== range.last - range.first + 1) {
      throw new AppError('invalid_range', { contentRange: header, bodyBytes: body.length });
    }
    if (range.total > MAX_BLOB_BYTES) throw tooLarge();
    return serially(sha256, async (): Promise<{ status: number; body: BlobUploadStatus & { size?: number } }> => {
      if ((await storedSize(sha256)) !== null) return { status: 200, body: { sha256, complete: true, offset: range.total } };
      let offset = await store.partialSize(sha256);
      if (offset > range.total) {
        // Bytes beyond the blob's size cannot be a prefix of it: start over.
        await store.discardPartial(sha256);
        offset = 0;
      }
      if (range.first !== offset) throw new AppError('upload_offset', { offset }, `blob ${sha256}: chunk at ${range.first}, stored ${offset}`);
      await store.appendPartial(sha256, offset, body);
      offset += body.length;
      if (offset < range.total) return { status: 200, body: { sha256, complete: false, offset } };
      if (!(await store.commitPartial(sha256))) throw new AppError('hash_mismatch', { size: offset }, `blob ${sha256}: chunks do not match`);
      await insertRow(sha256, offset, contentType, viewer);
      return { status: 201, body: { sha256, complete: true, offset, size: offset } };
    });
  };

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
      const sha256 = sha256Param(request.params);
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(BLOB_TYPES as readonly string[]).includes(contentType) || !Buffer.isBuffer(request.body)) {
        throw new AppError('unsupported_media_type', { allowed: BLOB_TYPES });
      }
      const body = request.body;
      const range = request.headers['content-range'];
      if (range !== undefined) {
        const chunk = await putChunk(viewer, sha256, contentType, String(range), body);
        return reply.status(chunk.status).send({ ...chunk.body, contentType });
      }
      // A blob stored whole was verified when it arrived: a repeat is answered without hashing it again.
      const stored = await storedSize(sha256);
      if (stored !== null) return reply.status(200).send({ sha256, size: stored, contentType, created: false });
      if (createHash('sha256').update(body).digest('hex') !== sha256) {
        throw new AppError('hash_mismatch', { size: body.length }, `blob ${sha256}: body does not match`);
      }
      // Bytes first, then the row: a row always means the bytes are there.
      await store.put(sha256, body);
      await insertRow(sha256, body.length, contentType, viewer);
      return reply.status(201).send({ sha256, size: body.length, contentType, created: true });
    },
  );

  app.get('/api/blobs/:sha256/upload', async (request): Promise<BlobUploadStatus> => {
    await authenticate(deps.db, request);
    const sha256 = sha256Param(request.params);
    const size = await storedSize(sha256);
    return size !== null ? { sha256, complete: true, offset: size } : { sha256, complete: false, offset: await store.partialSize(sha256) };
  });

  app.get('/api/blobs/:sha256', async (request, reply) => {
    const viewer = await authenticate(deps.db, request);
    const sha256 = sha256Param(request.params);
    const contentType = await readableType(deps.db, viewer, sha256);
    if (!contentType) throw new AppError('not_found');
    // Streamed from the store: a photo of up to 15 MB is never held whole in memory per download.
    const blob = await store.open(sha256);
    if (!blob) throw new AppError('not_found');
    return reply
      .header('content-type', contentType)
      .header('content-length', blob.size)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('etag', `"${sha256}"`)
      .send(blob.stream);
  });
}
