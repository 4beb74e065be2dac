/** `GET /api/config`: the deployment's tile source and field-rule tunables (no secrets; public). */
import type { FastifyInstance } from 'fastify';
import { BUILTIN_TILE_TEMPLATE, type AppConfig } from '../../domain/config';
import type { Config } from '../config';
import type { AppDeps } from '../deps';

export function appConfigOf(config: Config): AppConfig {
  const url = config.tileUrl === 'builtin' ? BUILTIN_TILE_TEMPLATE : (config.tileUrl ?? null);
  return {
    tiles: {
      url,
      attribution: config.tileAttribution,
      crs: config.tileCrs,
      minZoom: config.tileMinZoom,
      maxZoom: config.tileMaxZoom,
    },
    visitMaxDistanceM: config.visitMaxDistanceM,
    shiftHours: config.shiftHours,
    vacations: config.vacations,
  };
}

export function settingsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const body = appConfigOf(deps.config);
  app.get('/api/config', (): AppConfig => body);
}
