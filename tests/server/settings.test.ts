import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/server/deps';
import { parseAppConfig } from '../../src/domain/config';
import { loadConfig } from '../../src/server/config';
import { appConfigOf, settingsRoutes } from '../../src/server/settings/routes';
import { buildCsp, tileSource } from '../../src/server/http/security';

describe('GET /api/config contents', () => {
  it('names the built-in tile template when TILE_URL=builtin, and passes the client guard', () => {
    const cfg = appConfigOf(loadConfig({ TILE_URL: 'builtin', NIGHT_START: '19:00', VACATIONS: '2026-07-04..2026-08-31 暑假' }));
    expect(cfg.vacations).toEqual([{ start: '2026-07-04', end: '2026-08-31', name: '暑假' }]);
    expect(cfg.tiles.url).toBe('/tiles/{z}/{x}/{y}.png');
    expect(cfg.shiftHours.nightStart).toBe('19:00');
    expect(parseAppConfig(cfg)).toEqual(cfg);
  });

  it('has no base map without TILE_URL', () => {
    expect(appConfigOf(loadConfig({})).tiles.url).toBeNull();
  });

  it('lets the browser fetch an external tile host for the area download', () => {
    const csp = buildCsp('https://t{s}.tiles.example.com/{z}/{x}/{y}.png');
    expect(csp).toMatch(/connect-src 'self' https:\/\/\*\.tiles\.example\.com/);
    expect(buildCsp('builtin')).toMatch(/connect-src 'self';/);
    expect(tileSource('https://{s}.tile.example.org:8443/{z}/{x}/{y}.png')).toBe('https://*.tile.example.org:8443');
    expect(tileSource('https://tiles.example.org/{z}/{x}/{y}.png')).toBe('https://tiles.example.org');
    expect(tileSource('https://a.{s}.example.org/{z}.png')).toBeNull();
  });
});

describe('GET /api/config', () => {
  it('answers without a session', async () => {
    const app = Fastify();
    settingsRoutes(app, { config: loadConfig({ TILE_URL: 'builtin' }) } as AppDeps);
    const res = await app.inject({ method: 'GET', url: '/api/config' });
    expect(res.statusCode).toBe(200);
    expect(parseAppConfig(res.json())?.tiles.url).toBe('/tiles/{z}/{x}/{y}.png');
    await app.close();
  });
});
