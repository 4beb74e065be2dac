/** A grid to draw, a Cache Storage and a tile server in memory, for the map and tile download tests. */
import { vi } from 'vitest';
import type { Polygon } from '../../../src/domain/entities';

/** A grid of about 1 km × 1 km in Zunyi. */
export function squareGrid(): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [106.925, 27.695],
        [106.935, 27.695],
        [106.935, 27.705],
        [106.925, 27.705],
        [106.925, 27.695],
      ],
    ],
  };
}

export class FakeCache {
  readonly entries = new Map<string, Response>();
  match = vi.fn((url: string) => Promise.resolve(this.entries.get(url)));
  put = vi.fn((url: string, response: Response) => {
    this.entries.set(url, response);
    return Promise.resolve();
  });
}

export class FakeCacheStorage {
  readonly byName = new Map<string, FakeCache>();
  open = vi.fn((name: string) => {
    let cache = this.byName.get(name);
    if (!cache) this.byName.set(name, (cache = new FakeCache()));
    return Promise.resolve(cache as unknown as Cache);
  });
  cache(name: string): FakeCache {
    const c = this.byName.get(name);
    if (!c) throw new Error(`cache ${name} was never opened`);
    return c;
  }
}

/**
 * Answers each fetch after `delayMs` (real timers), or 404 for URLs in `missing`; counts calls and
 * the most requests in flight at once, and honours the AbortSignal like fetch does.
 */
export function fakeTileServer(options: { delayMs?: number; missing?: Set<string> } = {}) {
  const stats = { calls: [] as string[], inFlight: 0, maxInFlight: 0 };
  const fetchFn = vi.fn((input: string, init?: RequestInit): Promise<Response> => {
    const url = input;
    stats.calls.push(url);
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const done = () => {
        if (!settled) stats.inFlight--;
        settled = true;
      };
      const timer = setTimeout(() => {
        done();
        resolve(options.missing?.has(url) ? new Response('no', { status: 404 }) : new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'content-type': 'image/png' } }));
      }, options.delayMs ?? 1);
      init?.signal?.addEventListener('abort', () => {
        if (settled) return;
        clearTimeout(timer);
        done();
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  });
  return { fetch: fetchFn as unknown as typeof fetch, stats };
}
