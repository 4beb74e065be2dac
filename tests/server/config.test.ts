import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config';

describe('config', () => {
  it('has defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('0.0.0.0');
    expect(c.dataDir.endsWith('data')).toBe(true);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.sessionTtlHours).toBe(720);
    expect(c.nodeEnv).toBe('development');
    expect(c.syncPullConcurrency).toBe(2);
  });

  it('reads and coerces values', () => {
    const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://u@h/db', SESSION_TTL_HOURS: '12', NODE_ENV: 'production', TILE_URL: 'https://t.example.com/{z}/{x}/{y}.png' });
    expect(c).toMatchObject({ port: 9000, databaseUrl: 'postgres://u@h/db', sessionTtlHours: 12, nodeEnv: 'production' });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(8080);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['NODE_ENV', 'staging'],
    ['SESSION_TTL_HOURS', '0'],
    ['DATABASE_URL', 'mysql://x'],
    ['TILE_URL', 'not a url'],
    ['TILE_CRS', 'bd09'],
    ['TILE_MAX_ZOOM', '30'],
    ['NIGHT_START', '25:00'],
    ['VISIT_MAX_DISTANCE_M', '-5'],
    ['SYNC_PULL_CONCURRENCY', '0'],
    ['SYNC_PULL_CONCURRENCY', '1.5'],
    ['VACATIONS', '2026-08-31..2026-07-04 暑假'],
    ['VACATIONS', '暑假 7月到8月'],
  ])('rejects bad %s', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(variable);
  });

  it('accepts the built-in tiles and the field-rule tunables', () => {
    const c = loadConfig({ TILE_URL: 'builtin', TILE_CRS: 'gcj02', NIGHT_START: '19:30', VISIT_MAX_DISTANCE_M: '300' });
    expect(c).toMatchObject({ tileUrl: 'builtin', tileCrs: 'gcj02', visitMaxDistanceM: 300 });
    expect(c.shiftHours).toEqual({ nightStart: '19:30', nightEnd: '06:00' });
  });

  it('reads the county vacations', () => {
    expect(loadConfig({ VACATIONS: '2026-07-04..2026-08-31 暑假; 2027-01-23..2027-02-21 寒假' }).vacations).toEqual([
      { start: '2026-07-04', end: '2026-08-31', name: '暑假' },
      { start: '2027-01-23', end: '2027-02-21', name: '寒假' },
    ]);
    expect(loadConfig({}).vacations).toEqual([]);
  });

  it('rejects a minimum zoom above the maximum', () => {
    expect(() => loadConfig({ TILE_MIN_ZOOM: '15', TILE_MAX_ZOOM: '14' })).toThrow(ConfigError);
  });

  it('never echoes the database URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@h/db' })).toThrow(/^(?!.*hunter2)/s);
  });
});
