/**
 * Compression on the wire: JSON answers go brotli- or gzip-compressed to a client that accepts it, a
 * device may send its push gzip-compressed, and the built app's precompressed copies are sent as they
 * are. A compressed request is held to the same limits, inflated: a small body that inflates past the
 * push limit is a 413, a corrupt one a 400, an encoding the server does not take a 415 — none writes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullResponse, PushResponse } from '../../src/domain/sync';
import { PUSH_BODY_LIMIT } from '../../src/domain/transfer';
import { buildApp } from '../../src/server/app';
import { precompressDir } from '../../build/precompress';
import { backends, countIds, expectRejectsWithoutWrite, lastMutationIdOf, openTestDb, testConfig, useContext, type TestDb } from './harness';
import { newClientId, signedVisit, submit } from './reliability/helpers';

const inflate = (encoding: string | string[] | undefined, body: Buffer): Buffer =>
  encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;

describe.each(backends)('compressed API traffic on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);

  const pull = (acceptEncoding?: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/sync/pull',
      headers: { ...worker.headers, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
      payload: { clientId: newClientId(), epoch: null, cursors: {} },
    });

  it('sends a pull page compressed to a client that accepts it, the same JSON once inflated', async () => {
    const plain = await pull();
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const expected = plain.json<PullResponse>();
    expect(expected.changes.length).toBeGreaterThan(10);

    for (const [accept, encoding] of [
      ['gzip, deflate', 'gzip'],
      ['gzip, deflate, br', 'br'],
      ['br;q=0, gzip', 'gzip'],
    ] as const) {
      const res = await pull(accept);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(encoding);
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
      expect(JSON.parse(inflate(res.headers['content-encoding'], res.rawPayload).toString('utf8'))).toEqual(expected);
    }
  });

  it('leaves small answers and error bodies of a few bytes as they are', async () => {
    const me = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { ...worker.headers, 'accept-encoding': 'gzip' } });
    expect(me.statusCode).toBe(200);
    expect(me.headers['content-encoding']).toBeUndefined();
    const missing = await ctx.app.inject({ method: 'GET', url: '/api/nothing', headers: { 'accept-encoding': 'gzip' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('applies a gzip-compressed push exactly as a plain one', async () => {
    const clientId = newClientId();
    const visit = await signedVisit(ctx, worker, { placeId: ctx.county.dataset.places[1]!.id });
    const body = gzipSync(JSON.stringify({ clientId, mutations: [submit(1, visit)] }));
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: { ...worker.headers, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied' }]);
    expect(await countIds(ctx, 'visits', [visit.id])).toBe(1);
    expect(await lastMutationIdOf(ctx, clientId)).toBe(1);
  });

  const compressedPush = (payload: Buffer, encoding: string) => ({
    method: 'POST' as const,
    url: '/api/sync/push',
    headers: { ...worker.headers, 'content-type': 'application/json', 'content-encoding': encoding },
    payload,
  });

  it('refuses a small gzip body that inflates past the push limit with a 413, and writes nothing', async () => {
    // 9 MB of spaces inside valid JSON compress to a few kilobytes: the limit is on what it inflates to.
    const bomb = gzipSync(`{"clientId":"${newClientId()}","mutations":[${' '.repeat(PUSH_BODY_LIMIT + 1024 * 1024)}]}`);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expectRejectsWithoutWrite(ctx.app, compressedPush(bomb, 'gzip'), 413, 'payload_too_large');
  });

  it('refuses a corrupt gzip body with a 400 and an encoding it does not take with a 415, writing nothing', async () => {
    const good = gzipSync(JSON.stringify({ clientId: newClientId(), mutations: [submit(1, await signedVisit(ctx, worker, { placeId: ctx.county.dataset.places[1]!.id }))] }));
    const corrupt = Buffer.from(good);
    corrupt.fill(0x5a, 20, 60);
    await expectRejectsWithoutWrite(ctx.app, compressedPush(corrupt, 'gzip'), 400, 'malformed_body');
    await expectRejectsWithoutWrite(ctx.app, compressedPush(good.subarray(0, good.length / 2), 'gzip'), 400, 'malformed_body');
    await expectRejectsWithoutWrite(ctx.app, compressedPush(good, 'br'), 415, 'unsupported_encoding');
    await expectRejectsWithoutWrite(ctx.app, compressedPush(good, 'x-rot13'), 415, 'unsupported_encoding');
  });
});

/** The built PWA's precompressed copies (build/precompress.ts), served by content negotiation. */
describe('precompressed app files', () => {
  let dir: string;
  let testDb: TestDb;
  let app: FastifyInstance;
  const script = `console.log(${JSON.stringify('网格巡查 '.repeat(400))});\n`.repeat(4);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gp-precompressed-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), `<!doctype html><title>网格巡查</title>${'<!-- shell -->'.repeat(200)}`);
    writeFileSync(join(dir, 'assets', 'index-aaaa.js'), script);
    writeFileSync(join(dir, 'assets', 'tiny-bbbb.js'), 'console.log(1)');
    writeFileSync(join(dir, 'pwa-192x192.png'), Buffer.alloc(2048, 7));
    testDb = await openTestDb('pglite');
    app = await buildApp(testConfig, { db: testDb.db, clientDir: dir });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await testDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes brotli and gzip copies of text files large enough to gain, not of small or binary ones', async () => {
    const done = await precompressDir(dir);
    expect(done.map((f) => f.slice(dir.length + 1))).toEqual([join('assets', 'index-aaaa.js'), 'index.html']);
    expect(brotliDecompressSync(await import('node:fs').then((fs) => fs.readFileSync(join(dir, 'assets', 'index-aaaa.js.br')))).toString()).toBe(script);
  });

  it('sends the copy the browser accepts, with the file’s type and caching, and the file itself otherwise', async () => {
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip, deflate', 'gzip'],
      [undefined, undefined],
    ] as const) {
      const res = await app.inject({ method: 'GET', url: '/assets/index-aaaa.js', headers: accept ? { 'accept-encoding': accept } : {} });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(encoding);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toContain('immutable');
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      expect(inflate(res.headers['content-encoding'], res.rawPayload).toString()).toBe(script);
    }
    const shell = await app.inject({ method: 'GET', url: '/field/tasks', headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
    expect(shell.statusCode).toBe(200);
    expect(shell.headers['cache-control']).toBe('no-cache');
    expect(inflate(shell.headers['content-encoding'], shell.rawPayload).toString()).toContain('网格巡查');
    const image = await app.inject({ method: 'GET', url: '/pwa-192x192.png', headers: { 'accept-encoding': 'gzip, br' } });
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.rawPayload.length).toBe(2048);
  });
});
