/**
 * "Download my area": every tile over the user's grids at zoom 14–18, fetched into the Cache Storage
 * cache the service worker reads tiles from (CacheFirst), so the map works in a stairwell with no
 * signal. The plan (and its count) comes first, so the user can see the size before starting.
 */
import type { TileConfig } from '../../domain/config';
import type { Polygon } from '../../domain/entities';
import { bboxOfPolygons, tilesForBBox, tileTemplate, tileUrl, type TileCoord } from './tiles';

/** Shared with the service worker's tile route (src/client/sw.ts). */
export const TILE_CACHE_NAME = 'grid-patrol-tiles';
export const DOWNLOAD_MIN_ZOOM = 14;
export const DOWNLOAD_MAX_ZOOM = 18;
/** The service worker's tile cache keeps this many entries; a larger plan would evict itself. */
export const MAX_DOWNLOAD_TILES = 20_000;
const CONCURRENCY = 4;

export interface PlannedTile extends TileCoord {
  url: string;
}

export interface TilePlan {
  tiles: PlannedTile[];
  /** Zooms actually planned: 14–18 clipped to what the tile source serves. */
  minZoom: number;
  maxZoom: number;
  tooLarge: boolean;
}

export interface DownloadProgress {
  total: number;
  /** Fetched, skipped and failed so far. */
  done: number;
  fetched: number;
  skipped: number;
  failed: number;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  concurrency?: number;
  /** Injected in tests; the page's Cache Storage and fetch otherwise. */
  caches?: Pick<CacheStorage, 'open'>;
  fetch?: typeof fetch;
}

/** The tiles to fetch for these polygons, or null when there is nothing to download (no tile source, no area). */
export function planTileDownload(polygons: readonly Polygon[], tiles: TileConfig): TilePlan | null {
  const template = tileTemplate(tiles);
  const bbox = bboxOfPolygons(polygons, tiles.crs);
  if (template === null || bbox === null) return null;
  const minZoom = Math.max(DOWNLOAD_MIN_ZOOM, tiles.minZoom);
  const maxZoom = Math.min(DOWNLOAD_MAX_ZOOM, tiles.maxZoom);
  const coords = minZoom <= maxZoom ? tilesForBBox(bbox, minZoom, maxZoom) : [];
  return {
    tiles: coords.map((t) => ({ ...t, url: tileUrl(template, t) })),
    minZoom,
    maxZoom,
    tooLarge: coords.length > MAX_DOWNLOAD_TILES,
  };
}

function isSameOrigin(url: string): boolean {
  return new URL(url, location.href).origin === location.origin;
}

/**
 * Fetches every tile not yet cached, `concurrency` at a time. Resolves with the final progress; an
 * abort stops new fetches and rejects with the signal's reason once the ones in flight settle.
 * A failed tile is counted and skipped: one bad tile should not lose the rest of the area.
 */
export async function downloadTiles(plan: readonly PlannedTile[], options: DownloadOptions = {}): Promise<DownloadProgress> {
  const { signal, onProgress } = options;
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const cache = await (options.caches ?? caches).open(TILE_CACHE_NAME);
  const progress: DownloadProgress = { total: plan.length, done: 0, fetched: 0, skipped: 0, failed: 0 };
  onProgress?.({ ...progress });

  let next = 0;
  async function one(tile: PlannedTile): Promise<void> {
    if (await cache.match(tile.url)) {
      progress.skipped++;
      return;
    }
    try {
      // External hosts must answer CORS: an opaque response would cost ~7 MB of quota per tile in Chromium.
      const response = await doFetch(tile.url, { mode: isSameOrigin(tile.url) ? 'same-origin' : 'cors', credentials: 'omit', signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await cache.put(tile.url, response);
      progress.fetched++;
    } catch {
      if (signal?.aborted) signal.throwIfAborted();
      progress.failed++;
    }
  }

  async function worker(): Promise<void> {
    while (next < plan.length) {
      signal?.throwIfAborted();
      const tile = plan[next++]!;
      await one(tile);
      progress.done++;
      onProgress?.({ ...progress });
    }
  }

  signal?.throwIfAborted();
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? CONCURRENCY, plan.length)) }, () => worker());
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  return progress;
}
