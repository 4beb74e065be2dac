import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_APP_CONFIG, type AppConfig } from '../../../src/domain/config';
import { CONFIG_URL, readStoredAppConfig, refreshAppConfig } from '../../../src/client/map/tileConfig';

const served: AppConfig = {
  tiles: { url: 'builtin', attribution: '© 示范县', crs: 'gcj02', minZoom: 5, maxZoom: 18 },
  visitMaxDistanceM: 150,
  shiftHours: { nightStart: '19:00', nightEnd: '05:30' },
  vacations: [{ start: '2026-07-04', end: '2026-08-31', name: '暑假' }],
};

function stubFetch(respond: () => Promise<Response>) {
  const fetchMock = vi.fn((_url: string, _init?: RequestInit) => respond());
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('app config', () => {
  it('starts from the defaults on a fresh device: no base map, 200 m, night 18:00–06:00', () => {
    expect(readStoredAppConfig()).toEqual(DEFAULT_APP_CONFIG);
    expect(DEFAULT_APP_CONFIG).toMatchObject({ tiles: { url: null }, visitMaxDistanceM: 200, shiftHours: { nightStart: '18:00', nightEnd: '06:00' } });
  });

  it("keeps the server's answer for offline use", async () => {
    const fetchMock = stubFetch(() => Promise.resolve(Response.json(served)));
    expect(await refreshAppConfig('tok')).toEqual(served);
    expect(fetchMock.mock.calls[0]![0]).toBe(CONFIG_URL);
    expect(readStoredAppConfig()).toEqual(served);

    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await refreshAppConfig('tok')).toEqual(served);
  });

  it('reads a config stored before vacations existed as having none', () => {
    const { vacations: _v, ...older } = served;
    localStorage.setItem('grid-patrol.config', JSON.stringify(older));
    expect(readStoredAppConfig()).toEqual({ ...served, vacations: [] });
  });

  it('ignores an answer of the wrong shape', async () => {
    stubFetch(() => Promise.resolve(Response.json({ ...served, tiles: { ...served.tiles, crs: 'bd09' } })));
    expect(await refreshAppConfig(null)).toEqual(DEFAULT_APP_CONFIG);
    expect(readStoredAppConfig()).toEqual(DEFAULT_APP_CONFIG);
  });
});
