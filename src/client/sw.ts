/**
 * The service worker (vite-plugin-pwa, injectManifest). Caching per kind of request:
 *
 * | request                                   | handling                                                 |
 * |-------------------------------------------|----------------------------------------------------------|
 * | app shell: built JS, CSS, HTML, icons     | precached at install, served from the precache           |
 * | navigations (client routes)               | the precached index.html, except /api/ and /tiles/       |
 * | map tiles: /tiles/… and external images   | CacheFirst in `grid-patrol-tiles`, 20,000 tiles, 90 days  |
 * | /api/…                                    | never cached: no route, straight to the network          |
 * | anything else                             | no route: the browser's own handling                     |
 *
 * External tile hosts are recognised as cross-origin image requests: the CSP's img-src admits only
 * this origin and the configured tile host, so that is all they can be. The "download my area"
 * feature writes into the same tile cache from the page (src/client/map/tileDownload.ts).
 *
 * A new version installs and then waits: the page asks the user and sends SKIP_WAITING
 * (workbox-window's messageSkipWaiting) only when no form is open.
 */
import { clientsClaim, type RouteMatchCallbackOptions } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';

// The DOM lib has no service worker scope; this is the part of it used here.
declare const self: {
  __WB_MANIFEST: (PrecacheEntry | string)[];
  location: Location;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
};

/** Shared with the page's tile download (src/client/map/tileDownload.ts). */
const TILE_CACHE_NAME = 'grid-patrol-tiles';
const NEVER_NAVIGATE = [/^\/api(\/|$)/, /^\/tiles\//];

// App shell.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Client-side routes open offline from the precached shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: NEVER_NAVIGATE }));

// Map tiles.
function isTile({ url, request, sameOrigin }: RouteMatchCallbackOptions): boolean {
  if (request.method !== 'GET') return false;
  if (sameOrigin) return url.pathname.startsWith('/tiles/');
  return request.destination === 'image';
}
registerRoute(
  isTile,
  new CacheFirst({
    cacheName: TILE_CACHE_NAME,
    // Only 200s are cached (CacheFirst's default): opaque tiles would cost ~7 MB of quota each in
    // Chromium, so Leaflet loads external tiles with CORS.
    plugins: [new ExpirationPlugin({ maxEntries: 20_000, maxAgeSeconds: 90 * 24 * 60 * 60, purgeOnQuotaError: true })],
  }),
);

// /api/ is deliberately absent: per-user data lives in IndexedDB and sync, never in a cache.

self.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Once the user has accepted an update, the new worker takes over the open pages at once.
clientsClaim();
