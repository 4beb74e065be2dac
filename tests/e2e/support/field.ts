/**
 * Shared steps of the field specs: signing in, waiting for the service worker and the first sync,
 * coming back after a reload with the server down, and reading what the device holds (IndexedDB).
 */
import type { Page } from 'playwright-core';
import { LoginPage } from '../pages/LoginPage';

export const DEMO_PASSWORD = 'demo1234';

/**
 * Console lines Chromium writes while the server is down: the failed requests (to /api/ — sync,
 * config, tiles — through the page or the service worker) and nothing else.
 */
export const SERVER_DOWN: RegExp[] = [
  /Failed to load resource: net::ERR_CONNECTION_REFUSED/,
  /Failed to load resource: net::ERR_FAILED/,
  // A request in flight, or on a kept-alive connection, when the server stops: reset rather than
  // refused (seen once in CI, 2026-12-07).
  /Failed to load resource: net::ERR_CONNECTION_RESET/,
  // A request that reaches the server while it shuts down: Fastify answers 503 until the listener is
  // closed (`return503OnClosing`), which the client treats as transient (seen once in CI, 2026-12-08).
  /Failed to load resource: the server responded with a status of 503 \(Service Unavailable\)/,
];

/**
 * Records the URL of every “Failed to load resource” console line of the page (the harness keeps the
 * text only, and Chromium's text has no URL), so a spec can say which requests were allowed to fail.
 */
export function recordFailedLoads(page: Page): string[] {
  const urls: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && msg.text().startsWith('Failed to load resource')) urls.push(msg.location().url);
  });
  return urls;
}

export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  const login = new LoginPage(page);
  await login.open();
  await login.signIn(username, password);
  await page.waitForURL('**/field');
}

/**
 * Whether the page is controlled by the service worker, once one is ready; false when none is ready
 * within `readyWithinMs` (the app never registered one).
 */
export async function controlledByServiceWorker(page: Page, readyWithinMs = 15_000): Promise<boolean> {
  return page.evaluate(async (ms) => {
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms));
    if (!(await Promise.race([navigator.serviceWorker.ready.then(() => true), timeout]))) return false;
    return navigator.serviceWorker.controller !== null;
  }, readyWithinMs);
}

/** The script URL of the worker controlling the page, or null. */
export async function controllerScript(page: Page): Promise<string | null> {
  return page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
}

/** After a reload the local session must still hold; if the app asks, the offline unlock opens it. */
export async function signedInAfterReload(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.waitForURL(/\/(field|login)/);
  if (page.url().includes('/login')) {
    await new LoginPage(page).signIn(username, password);
    await page.waitForURL('**/field**');
  }
}

/** The service worker controls the page (a first visit is controlled only after a reload). */
export async function ensureServiceWorkerControls(page: Page, username: string): Promise<void> {
  if (await controlledByServiceWorker(page)) return;
  await page.reload();
  await signedInAfterReload(page, username);
  if (!(await controlledByServiceWorker(page))) throw new Error('the service worker does not control the page after a reload');
}

/** The signed-in user's id, from the app's session (the local database is named after it). */
export async function signedInUserId(page: Page, username: string): Promise<string> {
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
  const dbs = names.filter((n) => /^grid-patrol-[0-9a-f-]{36}$/.test(n));
  if (dbs.length !== 1) throw new Error(`expected one local database for ${username}, found ${JSON.stringify(names)}`);
  return dbs[0]!.slice('grid-patrol-'.length);
}

export type IndexedDbDump = Record<string, unknown[]>;

/** Every row of every object store of the IndexedDB database `name`, as the page sees it. */
export async function dumpIndexedDb(page: Page, name: string): Promise<IndexedDbDump> {
  return page.evaluate(
    (dbName) =>
      new Promise<Record<string, unknown[]>>((resolve, reject) => {
        const req = indexedDB.open(dbName);
        req.onerror = () => reject(req.error ?? new Error(`cannot open ${dbName}`));
        // Opening must not create it: a missing database is a failure, not an empty dump.
        req.onupgradeneeded = () => {
          req.transaction?.abort();
          reject(new Error(`no IndexedDB database ${dbName}`));
        };
        req.onsuccess = () => {
          const db = req.result;
          const stores = [...db.objectStoreNames];
          const out: Record<string, unknown[]> = {};
          if (stores.length === 0) {
            db.close();
            resolve(out);
            return;
          }
          const tx = db.transaction(stores, 'readonly');
          for (const s of stores) {
            const all = tx.objectStore(s).getAll();
            all.onsuccess = () => {
              // Blobs do not survive structured cloning to the test: keep their size and type.
              out[s] = (all.result as unknown[]).map((row) =>
                JSON.parse(
                  JSON.stringify(row, (_k, v: unknown) => (v instanceof Blob ? { blob: true, size: v.size, type: v.type } : v)),
                ) as unknown,
              );
            };
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error ?? new Error('dump failed'));
        };
      }),
    name,
  );
}

/** The visible text of the page's body. */
export function pageText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/**
 * Marks a step of a spec: with E2E_TRACE=1 it prints the step and the seconds since the spec's
 * start, which is how a timeout is located.
 */
export function tracer(label: string): (step: string) => void {
  const t0 = Date.now();
  return (step) => {
    if (process.env.E2E_TRACE === '1') console.log(`[${label}] ${((Date.now() - t0) / 1000).toFixed(1)}s ${step}`);
  };
}
