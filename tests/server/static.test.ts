import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { openTestDb, testConfig, type TestDb } from './harness';

/** The built PWA served from the same port: shell, hashed assets, SPA fallback, app updates. */
describe('serving the PWA', () => {
  let dir: string;
  let testDb: TestDb;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gp-client-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>网格巡查</title>');
    writeFileSync(join(dir, 'assets', 'index-aaaa.js'), 'console.log(1)');
    writeFileSync(join(dir, 'sw.js'), '// v1');
    testDb = await openTestDb('pglite');
    app = await buildApp(testConfig, { db: testDb.db, clientDir: dir });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await testDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the shell uncached and hashed assets as immutable', async () => {
    const shell = await app.inject({ method: 'GET', url: '/' });
    expect(shell.statusCode).toBe(200);
    expect(shell.body).toContain('网格巡查');
    expect(shell.headers['cache-control']).toBe('no-cache');
    const asset = await app.inject({ method: 'GET', url: '/assets/index-aaaa.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/sw.js' })).headers['cache-control']).toBe('no-cache');
  });

  it('answers client-side routes with the shell, and unknown API routes with a JSON 404', async () => {
    const route = await app.inject({ method: 'GET', url: '/field/tasks?x=1', headers: { accept: 'text/html' } });
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('网格巡查');
    const api = await app.inject({ method: 'GET', url: '/api/nothing', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'not_found' } });
    const missingAsset = await app.inject({ method: 'GET', url: '/assets/gone-1234.js' });
    expect(missingAsset.statusCode).toBe(404);
  });

  it('serves files of a new build written while the server runs (an app update)', async () => {
    writeFileSync(join(dir, 'assets', 'index-bbbb.js'), 'console.log(2)');
    writeFileSync(join(dir, 'sw.js'), '// v2');
    const asset = await app.inject({ method: 'GET', url: '/assets/index-bbbb.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(2)');
    expect((await app.inject({ method: 'GET', url: '/sw.js' })).body).toBe('// v2');
  });
});
