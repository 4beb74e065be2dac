/** The blob API rejects what it must, clearly and without writing (SPEC §8, §9). */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectRejectsWithoutWrite, setupContext, type Session, type TestContext } from './harness';
import { MAX_BLOB_BYTES } from '../../src/server/blobs/routes';

describe.each(backends)('blobs on %s', (backend) => {
  let ctx: TestContext;
  let worker: Session;
  beforeAll(async () => {
    ctx = await setupContext(backend);
    worker = await ctx.login('worker0');
  });
  afterAll(() => ctx.close());

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
});
