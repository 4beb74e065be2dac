/** The blob API rejects what it must, clearly and without writing (SPEC §8, §9). */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends, expectRejectsWithoutWrite, useContext } from './harness';
import { BLOB_CHUNK_BYTES, MAX_BLOB_BYTES } from '../../src/domain/transfer';
import { PARTIAL_UPLOAD_MAX_AGE_MS } from '../../src/server/blobs/routes';
import { FsBlobStore } from '../../src/server/blobs/store';

describe.each(backends)('blobs on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);

  const bytes = Buffer.from(`png-${backend}`);
  const sha = createHash('sha256').update(bytes).digest('hex');

  it.each([
    ['a non-image type', { 'content-type': 'application/pdf' }, bytes, 415, 'unsupported_media_type'],
    ['JSON', { 'content-type': 'application/json' }, Buffer.from('{"a":1}'), 415, 'unsupported_media_type'],
    ['a body not matching its address', { 'content-type': 'image/png' }, Buffer.from('other'), 400, 'hash_mismatch'],
  ] as const)('PUT refuses %s', async (_n, headers, payload, status, code) => {
    await expectRejectsWithoutWrite(ctx.app, { method: 'PUT', url: `/api/blobs/${sha}`, headers: { ...worker.headers, ...headers }, payload }, status, code);
  });

  it('PUT refuses a malformed address and an anonymous caller', async () => {
    await expectRejectsWithoutWrite(ctx.app, { method: 'PUT', url: '/api/blobs/xyz', headers: { ...worker.headers, 'content-type': 'image/png' }, payload: bytes }, 400, 'invalid_id');
    await expectRejectsWithoutWrite(ctx.app, { method: 'PUT', url: `/api/blobs/${sha}`, headers: { 'content-type': 'image/png' }, payload: bytes }, 401, 'unauthenticated');
  });

  it('PUT refuses an oversize photo with a clear 413', async () => {
    const big = Buffer.alloc(MAX_BLOB_BYTES + 1);
    const res = await expectRejectsWithoutWrite(ctx.app, { method: 'PUT', url: `/api/blobs/${'a'.repeat(64)}`, headers: { ...worker.headers, 'content-type': 'image/jpeg' }, payload: big }, 413, 'payload_too_large');
    expect(res.json()).toMatchObject({ error: { details: { maxBytes: MAX_BLOB_BYTES } } });
  });

  it('GET of an unknown or unreferenced blob is 404', async () => {
    const put = await ctx.app.inject({ method: 'PUT', url: `/api/blobs/${sha}`, headers: { ...worker.headers, 'content-type': 'image/png' }, payload: bytes });
    expect([200, 201]).toContain(put.statusCode);
    // Uploaded but referenced by no record: nobody may read it yet.
    expect((await ctx.app.inject({ method: 'GET', url: `/api/blobs/${sha}`, headers: worker.headers })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/blobs/${'b'.repeat(64)}`, headers: worker.headers })).statusCode).toBe(404);
  });

  describe('resumable upload', () => {
    /** 2.5 chunks of incompressible bytes, a fresh blob per test. */
    const bigPhoto = () => {
      const b = randomBytes(Math.round(BLOB_CHUNK_BYTES * 2.5));
      return { b, sha: createHash('sha256').update(b).digest('hex') };
    };
    const status = async (s: string) => (await ctx.app.inject({ method: 'GET', url: `/api/blobs/${s}/upload`, headers: worker.headers })).json<unknown>();
    const chunk = (s: string, b: Buffer, first: number, last = Math.min(first + BLOB_CHUNK_BYTES, b.length) - 1, total = b.length) => ({
      method: 'PUT' as const,
      url: `/api/blobs/${s}`,
      headers: { ...worker.headers, 'content-type': 'image/jpeg', 'content-range': `bytes ${first}-${last}/${total}` },
      payload: b.subarray(first, last + 1),
    });

    it('stores chunks only at the stored offset, tells where to resume, and verifies the whole', async () => {
      const { b, sha } = bigPhoto();
      expect(await status(sha)).toEqual({ sha256: sha, complete: false, offset: 0 });
      const first = await ctx.app.inject(chunk(sha, b, 0));
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ complete: false, offset: BLOB_CHUNK_BYTES });
      // The answer to the first chunk was lost and the device sends it again: told where to go on.
      const again = await ctx.app.inject(chunk(sha, b, 0));
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ error: { code: 'upload_offset', details: { offset: BLOB_CHUNK_BYTES } } });
      // A chunk beyond the stored offset would leave a hole: refused the same way.
      expect((await ctx.app.inject(chunk(sha, b, 2 * BLOB_CHUNK_BYTES))).json()).toMatchObject({ error: { details: { offset: BLOB_CHUNK_BYTES } } });
      expect(await status(sha)).toEqual({ sha256: sha, complete: false, offset: BLOB_CHUNK_BYTES });
      expect(await ctx.db.kysely.selectFrom('blobs').select('sha256').where('sha256', '=', sha).executeTakeFirst()).toBeUndefined();

      expect((await ctx.app.inject(chunk(sha, b, BLOB_CHUNK_BYTES))).json()).toMatchObject({ complete: false, offset: 2 * BLOB_CHUNK_BYTES });
      const last = await ctx.app.inject(chunk(sha, b, 2 * BLOB_CHUNK_BYTES));
      expect(last.statusCode).toBe(201);
      expect(last.json()).toMatchObject({ sha256: sha, complete: true, offset: b.length });
      expect(await status(sha)).toEqual({ sha256: sha, complete: true, offset: b.length });
      const row = await ctx.db.kysely.selectFrom('blobs').select(['size', 'content_type']).where('sha256', '=', sha).executeTakeFirstOrThrow();
      expect([Number(row.size), row.content_type]).toEqual([b.length, 'image/jpeg']);
      // Idempotent: a chunk or the whole blob once more changes nothing.
      expect((await ctx.app.inject(chunk(sha, b, 0))).json()).toMatchObject({ complete: true, offset: b.length });
      const whole = await ctx.app.inject({ method: 'PUT', url: `/api/blobs/${sha}`, headers: { ...worker.headers, 'content-type': 'image/jpeg' }, payload: b });
      expect(whole.statusCode).toBe(200);
    });

    it('discards chunks that do not add up to their address; nothing is stored', async () => {
      const { b, sha } = bigPhoto();
      const forged = Buffer.from(b);
      forged.writeUInt8(forged.readUInt8(forged.length - 1) ^ 0xff, forged.length - 1);
      for (const first of [0, BLOB_CHUNK_BYTES]) expect((await ctx.app.inject(chunk(sha, forged, first))).statusCode).toBe(200);
      const res = await expectRejectsWithoutWrite(ctx.app, chunk(sha, forged, 2 * BLOB_CHUNK_BYTES), 400, 'hash_mismatch');
      expect(res.json()).toMatchObject({ error: { details: { size: b.length } } });
      expect(await status(sha)).toEqual({ sha256: sha, complete: false, offset: 0 });
      // The honest bytes then go through from the start.
      for (const first of [0, BLOB_CHUNK_BYTES, 2 * BLOB_CHUNK_BYTES]) expect((await ctx.app.inject(chunk(sha, b, first))).statusCode).toBeLessThan(300);
      expect(await status(sha)).toMatchObject({ complete: true });
    });

    it.each([
      ['a malformed range', 'bytes 0-9', 400, 'invalid_range'],
      ['a range past its total', 'bytes 0-99/50', 400, 'invalid_range'],
      ['a range longer than its body', `bytes 0-${BLOB_CHUNK_BYTES}/${3 * BLOB_CHUNK_BYTES}`, 400, 'invalid_range'],
      ['a total above the limit', `bytes 0-${BLOB_CHUNK_BYTES - 1}/${MAX_BLOB_BYTES + 1}`, 413, 'payload_too_large'],
    ] as const)('refuses %s and stores nothing', async (_n, range, code, error) => {
      const { b, sha } = bigPhoto();
      const req = chunk(sha, b, 0);
      await expectRejectsWithoutWrite(ctx.app, { ...req, headers: { ...req.headers, 'content-range': range } }, code, error);
      expect(await status(sha)).toEqual({ sha256: sha, complete: false, offset: 0 });
    });

    it('refuses a chunk of another type than a photo, and an anonymous status query', async () => {
      const { b, sha } = bigPhoto();
      const req = chunk(sha, b, 0);
      await expectRejectsWithoutWrite(ctx.app, { ...req, headers: { ...req.headers, 'content-type': 'application/pdf' } }, 415, 'unsupported_media_type');
      expect(await status(sha)).toEqual({ sha256: sha, complete: false, offset: 0 });
      expect((await ctx.app.inject({ method: 'GET', url: `/api/blobs/${sha}/upload` })).statusCode).toBe(401);
    });
  });
});

describe('the blob store', () => {
  it('keeps a partial upload across a restart and sweeps one abandoned for too long', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    try {
      const store = new FsBlobStore(root);
      await store.appendPartial('a'.repeat(64), 0, Buffer.from('fresh'));
      await store.appendPartial('b'.repeat(64), 0, Buffer.from('old'));
      const old = new Date(Date.now() - PARTIAL_UPLOAD_MAX_AGE_MS - 60_000);
      await utimes(path.join(root, 'partial', 'b'.repeat(64)), old, old);
      const reopened = new FsBlobStore(root);
      expect(await reopened.sweepPartials(PARTIAL_UPLOAD_MAX_AGE_MS)).toBe(1);
      expect([await reopened.partialSize('a'.repeat(64)), await reopened.partialSize('b'.repeat(64))]).toEqual([5, 0]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

