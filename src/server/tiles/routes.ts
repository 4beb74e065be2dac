/**
 * `GET /tiles/:z/:x/:y.png`: the built-in base map, registered only when `TILE_URL=builtin`.
 * Tiles never change for a given z/x/y, so browsers and the service worker may keep them for a week
 * without asking again.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import { AppError } from '../errors';
import { MAX_TILE_ZOOM, renderTile } from './render';

export const BUILTIN_TILE_URL = 'builtin';
export const TILE_CACHE_CONTROL = 'public, max-age=604800, immutable';

const DIGITS = /^\d{1,7}$/;

/** z 0–19 and x/y within 0…2^z−1, or null when out of range or not a plain integer. */
export function parseTileParams(params: { z: string; x: string; y: string }): { z: number; x: number; y: number } | null {
  if (!DIGITS.test(params.z) || !DIGITS.test(params.x) || !DIGITS.test(params.y)) return null;
  const z = Number(params.z);
  const x = Number(params.x);
  const y = Number(params.y);
  if (z > MAX_TILE_ZOOM) return null;
  const max = 2 ** z - 1;
  if (x > max || y > max) return null;
  return { z, x, y };
}

export function tilesRoutes(app: FastifyInstance, deps: { config: Pick<Config, 'tileUrl'> }): void {
  if (deps.config.tileUrl !== BUILTIN_TILE_URL) return;

  app.get<{ Params: { z: string; x: string; y: string } }>('/tiles/:z/:x/:y.png', async (request, reply) => {
    const tile = parseTileParams(request.params);
    if (!tile) {
      throw new AppError('validation_failed', [
        { path: 'params', code: 'tile_out_of_range', message: `z must be 0–${MAX_TILE_ZOOM} and x, y within 0…2^z−1` },
      ]);
    }
    return reply
      .header('content-type', 'image/png')
      .header('cache-control', TILE_CACHE_CONTROL)
      .send(renderTile(tile.z, tile.x, tile.y));
  });
}
