/** The built-in tile route on a bare Fastify instance with the app's error handler: it needs no database. */
import Fastify, { type FastifyInstance } from 'fastify';
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/server/errors';
import { PNG_SIGNATURE } from '../../src/server/tiles/png';
import { TILE_CACHE_CONTROL, tilesRoutes } from '../../src/server/tiles/routes';

let app: FastifyInstance | undefined;

async function appWith(tileUrl: string | undefined): Promise<FastifyInstance> {
  app = Fastify();
  app.setErrorHandler(errorHandler);
  tilesRoutes(app, { config: { tileUrl } });
  await app.ready();
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('GET /tiles/:z/:x/:y.png', () => {
  it('serves a cacheable PNG when TILE_URL is builtin', async () => {
    const res = await (await appWith('builtin')).inject({ method: 'GET', url: '/tiles/15/26120/13740.png' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe(TILE_CACHE_CONTROL);
    const body = res.rawPayload;
    expect(body.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(body.readUInt32BE(16)).toBe(256);
    expect(body.readUInt32BE(20)).toBe(256);
    const idatLength = body.readUInt32BE(33);
    expect(inflateSync(body.subarray(41, 41 + idatLength)).length).toBe(256 * (1 + 256 * 3));
  });

  it('accepts the corners of the valid range', async () => {
    const a = await appWith('builtin');
    for (const url of ['/tiles/0/0/0.png', '/tiles/19/524287/524287.png', '/tiles/1/1/0.png']) {
      expect((await a.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it.each([
    '/tiles/20/0/0.png',
    '/tiles/0/1/0.png',
    '/tiles/0/0/1.png',
    '/tiles/3/8/0.png',
    '/tiles/3/-1/0.png',
    '/tiles/a/0/0.png',
    '/tiles/3/1.5/0.png',
    '/tiles/3/0/1e1.png',
  ])('rejects %s with 400 and the error shape', async (url) => {
    const res = await (await appWith('builtin')).inject({ method: 'GET', url });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('validation_failed');
    expect(typeof body.error.message).toBe('string');
  });

  it.each([undefined, 'https://t.example.com/{z}/{x}/{y}.png'])('is not served when TILE_URL is %s', async (tileUrl) => {
    const res = await (await appWith(tileUrl)).inject({ method: 'GET', url: '/tiles/1/0/0.png' });
    expect(res.statusCode).toBe(404);
  });
});
