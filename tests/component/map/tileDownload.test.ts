import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { TileConfig } from '../../../src/domain/config';
import TileDownload from '../../../src/client/map/TileDownload.vue';
import { MAP_TEXT } from '../../../src/client/map/text';
import { downloadTiles, planTileDownload, TILE_CACHE_NAME, type DownloadProgress, type PlannedTile } from '../../../src/client/map/tileDownload';
import { FakeCacheStorage, fakeTileServer, squareGrid } from './fakes';

function plan(n: number): PlannedTile[] {
  return Array.from({ length: n }, (_, i) => ({ z: 18, x: 200_000 + i, y: 100_000, url: `/tiles/18/${200_000 + i}/100000.png` }));
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('downloadTiles', () => {
  it('fetches every tile into grid-patrol-tiles, at most 4 at a time, reporting progress', async () => {
    const storage = new FakeCacheStorage();
    const server = fakeTileServer({ delayMs: 2 });
    const seen: DownloadProgress[] = [];
    const result = await downloadTiles(plan(25), { caches: storage, fetch: server.fetch, onProgress: (p) => seen.push(p) });

    expect(result).toEqual({ total: 25, done: 25, fetched: 25, skipped: 0, failed: 0 });
    expect(storage.open).toHaveBeenCalledWith(TILE_CACHE_NAME);
    expect(storage.cache(TILE_CACHE_NAME).entries.size).toBe(25);
    expect(server.stats.maxInFlight).toBe(4);
    expect(seen[0]).toEqual({ total: 25, done: 0, fetched: 0, skipped: 0, failed: 0 });
    expect(seen.at(-1)).toEqual(result);
    expect(seen.map((p) => p.done)).toEqual([...Array(26).keys()]);
  });

  it('skips tiles that are already cached', async () => {
    const storage = new FakeCacheStorage();
    const tiles = plan(6);
    const cache = await storage.open(TILE_CACHE_NAME);
    await cache.put(tiles[1]!.url, new Response('x'));
    await cache.put(tiles[4]!.url, new Response('x'));
    const server = fakeTileServer();

    const result = await downloadTiles(tiles, { caches: storage, fetch: server.fetch });

    expect(result).toMatchObject({ done: 6, fetched: 4, skipped: 2 });
    expect(server.stats.calls).toEqual([tiles[0]!.url, tiles[2]!.url, tiles[3]!.url, tiles[5]!.url]);
  });

  it('counts a failed tile, does not cache it, and carries on', async () => {
    const storage = new FakeCacheStorage();
    const tiles = plan(5);
    const server = fakeTileServer({ missing: new Set([tiles[2]!.url]) });
    const result = await downloadTiles(tiles, { caches: storage, fetch: server.fetch });
    expect(result).toMatchObject({ done: 5, fetched: 4, failed: 1 });
    expect(storage.cache(TILE_CACHE_NAME).entries.has(tiles[2]!.url)).toBe(false);
  });

  it('stops fetching when cancelled and rejects with the abort', async () => {
    const storage = new FakeCacheStorage();
    const server = fakeTileServer({ delayMs: 5 });
    const controller = new AbortController();
    const promise = downloadTiles(plan(200), {
      caches: storage,
      fetch: server.fetch,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 10) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    const callsAtCancel = server.stats.calls.length;
    // Only the requests already in flight when the user cancelled were started.
    expect(callsAtCancel).toBeLessThanOrEqual(10 + 4);
    await wait(30);
    expect(server.stats.calls.length).toBe(callsAtCancel);
    expect(server.stats.inFlight).toBe(0);
  });

  it('does not start when already aborted', async () => {
    const server = fakeTileServer();
    const controller = new AbortController();
    controller.abort();
    await expect(downloadTiles(plan(3), { caches: new FakeCacheStorage(), fetch: server.fetch, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.stats.calls).toHaveLength(0);
  });
});

describe('TileDownload.vue', () => {
  const grid = squareGrid();
  const tiles: TileConfig = { url: 'builtin', attribution: '', crs: 'wgs84', minZoom: 3, maxZoom: 19 };
  const count = planTileDownload([grid], tiles)!.tiles.length;

  it('shows the tile count before starting, then the progress and the result', async () => {
    const storage = new FakeCacheStorage();
    const server = fakeTileServer({ delayMs: 0 });
    const wrapper = mount(TileDownload, { props: { polygons: [grid], tiles, io: { caches: storage, fetch: server.fetch } } });
    expect(wrapper.get('[data-test="tile-count"]').text()).toBe(MAP_TEXT.download.count(count, 14, 18));
    expect(server.stats.calls).toHaveLength(0);

    await wrapper.get('[data-test="tile-start"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-test="tile-result"]').exists()).toBe(true));
    expect(wrapper.get('[data-test="tile-progress"]').text()).toBe(MAP_TEXT.download.progress(count, count));
    expect(wrapper.get('[data-test="tile-result"]').text()).toBe(MAP_TEXT.download.finished(count, 0));
    expect(storage.cache(TILE_CACHE_NAME).entries.size).toBe(count);
  });

  it('cancels from the cancel button', async () => {
    const server = fakeTileServer({ delayMs: 5 });
    const wrapper = mount(TileDownload, { props: { polygons: [grid], tiles, io: { caches: new FakeCacheStorage(), fetch: server.fetch } } });
    await wrapper.get('[data-test="tile-start"]').trigger('click');
    await vi.waitFor(() => expect(server.stats.calls.length).toBeGreaterThan(0));
    await wrapper.get('[data-test="tile-cancel"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.get('[data-test="tile-result"]').text()).toBe(MAP_TEXT.download.cancelled));
    const calls = server.stats.calls.length;
    await wait(30);
    expect(server.stats.calls.length).toBe(calls);
    expect(calls).toBeLessThan(count);
  });

  it('says there is nothing to download without a tile source', async () => {
    const wrapper = mount(TileDownload, { props: { polygons: [grid], tiles: { ...tiles, url: null }, io: { caches: new FakeCacheStorage() } } });
    await flushPromises();
    expect(wrapper.text()).toContain(MAP_TEXT.download.noTiles);
    expect(wrapper.find('[data-test="tile-start"]').exists()).toBe(false);
  });
});
