/**
 * Client budgets (SPEC §12), measured in Debian's Chromium against the real server and the built PWA:
 *
 * - `client.firstLoadJs`: a fresh browser context signs in as grid01 and opens 我的任务 (/field/tasks);
 *   every JS file the page fetched before the task list was interactive, gzip'd (node:zlib level 9 of
 *   the served bytes — the server does not compress) and as transferred.
 * - `client.offlineReload`: after the first sync and with the service worker in control, the server
 *   process is stopped and the task list reloaded; navigation start → interactive, median of 5.
 *   The stored session survives a reload, so no offline unlock is needed (and none is measured).
 * - `client.taskListQuery` / `client.visitSave`: the user's database filled to 5,000 places, 20,000
 *   visits and 300 of the user's tasks, then the app's own `loadMyTasks` (median of 20) and
 *   `submitVisit` (median of 50 distinct valid visits, each with its outbox entry) timed with
 *   performance.now() inside Chromium. That code is bundled from bench/client-entry.ts into a temp
 *   dir and evaluated in a same-origin page (/icon.svg) where the app itself is not running.
 *
 * "Interactive" = the first task card or the empty state is rendered and visible, followed by an
 * idle callback (the main thread has nothing left to do).
 *
 * The app is built into a private temp dir and served by the real server, started as a process by
 * the e2e harness (`src/server/cli.ts start`) with `CLIENT_DIR` naming that dir, which it serves as it
 * is: other work in the checkout rebuilds dist/client at any time, which would change the files under
 * the service worker's precache mid-run. `BENCH_SKIP_BUILD=1` serves dist/client as it is instead.
 *
 * Budgets are printed with every figure; a missed budget never fails the process.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { build } from 'vite';
import { openBrowser, PHONE_CONTEXT, startServer, type BrowserHandle, type ServerHandle } from '../tests/e2e/harness';
import type * as ClientEntry from './client-entry';
import type { FillCounts, Timing } from './client-entry';

const USERNAME = 'grid01';
const PASSWORD = 'demo1234';
const COUNTS: FillCounts = { places: 5_000, visits: 20_000, tasks: 300 };
const BUDGET = { firstLoadBytes: 200_000, offlineReloadMs: 1_500, taskListQueryMs: 50, visitSaveMs: 20 };
const RELOADS = 5;
const QUERY_RUNS = 20;
const SAVE_RUNS = 50;

interface Interactive {
  visible: number;
  idle: number;
}

/** Runs in every document before the app: records when the task list first becomes interactive. */
const MARK_INTERACTIVE = `(() => {
  const SEL = '[data-test="task-card"], [data-test="tasks-empty"]';
  const check = () => {
    const el = document.querySelector(SEL);
    if (el && el.getClientRects().length > 0) {
      const visible = performance.now();
      requestIdleCallback(() => { window.__gpInteractive = { visible, idle: performance.now() }; }, { timeout: 5000 });
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

/** One result line; `load1` (the 1-minute load average) tells whether other work shared the 2 cores. */
function line(obj: Record<string, unknown>): void {
  console.log(JSON.stringify({ ...obj, load1: Number(loadavg()[0]!.toFixed(2)) }));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

async function waitInteractive(page: Page, timeout = 60_000): Promise<Interactive> {
  const handle = await page.waitForFunction(() => (window as unknown as { __gpInteractive?: Interactive }).__gpInteractive, null, {
    timeout,
  });
  return (await handle.jsonValue()) as Interactive;
}

async function signIn(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByPlaceholder('用户名').fill(USERNAME);
  await page.getByPlaceholder('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL('**/field');
}

async function openTaskList(page: Page): Promise<void> {
  // As a person would: the 我的任务 tile on the field home (a client-side navigation).
  await page.locator('a[href="/field/tasks"]').first().click();
  await page.waitForURL('**/field/tasks');
}

interface SyncProbe {
  lastSyncAt: string | null;
  pending: number;
  tasks: number;
}

/** Reads the user's database with the raw IndexedDB API (never creating it). */
async function probeSync(page: Page): Promise<SyncProbe | null> {
  return page.evaluate(async () => {
    const raw = localStorage.getItem('grid-patrol.session');
    const userId = raw ? (JSON.parse(raw) as { user?: { id?: string } }).user?.id : undefined;
    if (!userId) return null;
    const name = `grid-patrol-${userId}`;
    if (!(await indexedDB.databases()).some((d) => d.name === name)) return null;
    return new Promise<SyncProbe | null>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
      req.onsuccess = () => {
        const db = req.result;
        if (!['meta', 'outbox', 'tasks'].every((s) => db.objectStoreNames.contains(s))) {
          db.close();
          resolve(null);
          return;
        }
        const tx = db.transaction(['meta', 'outbox', 'tasks'], 'readonly');
        const last = tx.objectStore('meta').get('lastSyncAt');
        const pending = tx.objectStore('outbox').count();
        const tasks = tx.objectStore('tasks').count();
        tx.oncomplete = () => {
          db.close();
          const row = last.result as { value?: string } | undefined;
          resolve({ lastSyncAt: row?.value ?? null, pending: pending.result, tasks: tasks.result });
        };
        tx.onerror = () => reject(tx.error ?? new Error('read failed'));
      };
    });
  });
}

async function waitSynced(page: Page, timeoutMs = 90_000): Promise<SyncProbe> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await probeSync(page);
    if (p && p.lastSyncAt !== null && p.pending === 0) return p;
    if (Date.now() > deadline) throw new Error(`first sync did not finish: ${JSON.stringify(p)}`);
    await page.waitForTimeout(250);
  }
}

async function waitControlled(page: Page): Promise<void> {
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  }, null, { timeout: 60_000 });
}

// ---- 1. first-load JS ----------------------------------------------------------------------------

interface JsFile {
  url: string;
  requestedAt: number;
  done: Promise<{ transferred: number; raw: number; gzip: number } | null>;
}

function isJs(res: Response): boolean {
  const url = new URL(res.url());
  const type = res.headers()['content-type'] ?? '';
  return /javascript/.test(type) || /\.m?js$/.test(url.pathname);
}

async function firstLoadJs(page: Page): Promise<void> {
  const files = new Map<string, JsFile>();
  const encodings = new Set<string>();
  const requested = new Map<string, number>();
  page.on('request', (req) => {
    if (!requested.has(req.url())) requested.set(req.url(), Date.now());
  });
  page.on('response', (res) => {
    if (!isJs(res) || files.has(res.url())) return;
    const done = (async () => {
      try {
        const [body, sizes] = await Promise.all([res.body(), res.request().sizes()]);
        encodings.add(res.headers()['content-encoding'] ?? 'identity');
        return {
          transferred: sizes.responseBodySize + sizes.responseHeadersSize,
          raw: body.byteLength,
          gzip: gzipSync(body, { level: 9 }).byteLength,
        };
      } catch {
        return null;
      }
    })();
    files.set(res.url(), { url: res.url(), requestedAt: requested.get(res.url()) ?? Date.now(), done });
  });

  await signIn(page);
  await openTaskList(page);
  await waitInteractive(page);
  const interactiveAt = Date.now();
  // JS asked for after that point (prefetches, later chunks) is not "before interactive".
  const before = [...files.values()].filter((f) => f.requestedAt <= interactiveAt);
  const sizes = await Promise.all(before.map((f) => f.done));
  let gzip = 0;
  let transferred = 0;
  let raw = 0;
  const perFile: Record<string, number> = {};
  for (const [i, s] of sizes.entries()) {
    if (!s) continue;
    gzip += s.gzip;
    transferred += s.transferred;
    raw += s.raw;
    perFile[new URL(before[i]!.url).pathname] = s.gzip;
  }
  line({
    bench: 'client.firstLoadJs',
    bytes: gzip,
    files: before.length,
    transferredBytes: transferred,
    rawBytes: raw,
    servedEncoding: [...encodings].join(','),
    route: '/login → /field → /field/tasks',
    budgetBytes: BUDGET.firstLoadBytes,
    pass: gzip <= BUDGET.firstLoadBytes,
    perFile,
  });
}

// ---- 2. offline reload ---------------------------------------------------------------------------

async function offlineReload(page: Page, server: ServerHandle): Promise<void> {
  const synced = await waitSynced(page);
  await waitControlled(page);
  await server.stop();
  const online = await page.evaluate(() => fetch('/api/health').then(() => true, () => false));
  if (online) throw new Error('server still answers after stop()');
  const idle: number[] = [];
  const visible: number[] = [];
  let cards = 0;
  for (let i = 0; i < RELOADS; i++) {
    await page.reload({ waitUntil: 'commit' });
    const t = await waitInteractive(page);
    if (!page.url().endsWith('/field/tasks')) throw new Error(`reload landed on ${page.url()}`);
    idle.push(t.idle);
    visible.push(t.visible);
    cards = await page.locator('[data-test="task-card"]').count();
  }
  const ms = median(idle);
  line({
    bench: 'client.offlineReload',
    ms: round(ms),
    visibleMs: round(median(visible)),
    runsMs: idle.map((x) => round(x)),
    cards,
    tasksOnDevice: synced.tasks,
    unlock: false,
    budgetMs: BUDGET.offlineReloadMs,
    pass: ms <= BUDGET.offlineReloadMs,
  });
}

// ---- 3. large device -----------------------------------------------------------------------------

async function buildBenchEntry(outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      lib: { entry: 'bench/client-entry.ts', formats: ['iife'], name: '__gpBench', fileName: () => 'client-entry.js' },
    },
  });
  return readFileSync(join(outDir, 'client-entry.js'), 'utf8');
}

type BenchApi = typeof ClientEntry;

async function largeDevice(context: BrowserContext, bundle: string): Promise<void> {
  const page = await context.newPage();
  await signIn(page);
  await waitSynced(page);
  const ids = await page.evaluate(() => ({
    userId: (JSON.parse(localStorage.getItem('grid-patrol.session') ?? '{}') as { user?: { id?: string } }).user?.id ?? '',
    deviceId: localStorage.getItem('grid-patrol.deviceId') ?? 'bench-device',
  }));
  // A same-origin document in which the app does not run (no live queries, no sync engine).
  await page.goto('/icon.svg');
  const cdp = await context.newCDPSession(page);
  const loaded = (await cdp.send('Runtime.evaluate', { expression: `${bundle}\n;typeof __gpBench`, returnByValue: true })) as {
    result: { value?: unknown };
    exceptionDetails?: unknown;
  };
  if (loaded.result.value !== 'object') throw new Error(`bench bundle did not load: ${JSON.stringify(loaded)}`);
  await cdp.detach();

  const filled = await page.evaluate(
    ([userId, counts]) => (window as unknown as { __gpBench: BenchApi }).__gpBench.fill(userId, counts),
    [ids.userId, COUNTS] as const,
  );
  const q = await page.evaluate(
    ([userId, runs]) => (window as unknown as { __gpBench: BenchApi }).__gpBench.taskListQuery(userId, runs),
    [ids.userId, QUERY_RUNS] as const,
  );
  line({
    bench: 'client.taskListQuery',
    ms: round(q.ms, 2),
    places: filled.places,
    visits: filled.visits,
    tasks: filled.tasks,
    myTasks: filled.myTasks,
    cards: q.cards,
    firstMs: round(q.firstMs, 2),
    maxMs: round(q.maxMs, 2),
    runs: q.runs,
    fillMs: Math.round(filled.ms),
    budgetMs: BUDGET.taskListQueryMs,
    pass: q.ms <= BUDGET.taskListQueryMs,
  });
  const s: Timing & { outboxAdded: number } = await page.evaluate(
    ([userId, deviceId, runs]) => (window as unknown as { __gpBench: BenchApi }).__gpBench.visitSave(userId, deviceId, runs),
    [ids.userId, ids.deviceId, SAVE_RUNS] as const,
  );
  line({
    bench: 'client.visitSave',
    ms: round(s.ms, 2),
    firstMs: round(s.firstMs, 2),
    maxMs: round(s.maxMs, 2),
    runs: s.runs,
    outboxAdded: s.outboxAdded,
    places: filled.places,
    visits: filled.visits,
    budgetMs: BUDGET.visitSaveMs,
    pass: s.ms <= BUDGET.visitSaveMs,
  });
  await page.close();
}

// ---- run -----------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'grid-patrol-bench-client-'));
  let server: ServerHandle | null = null;
  let b: BrowserHandle | null = null;
  try {
    let clientDir = resolve('dist/client');
    if (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(join(clientDir, 'index.html'))) {
      clientDir = join(tmp, 'client');
      await build({ logLevel: 'warn', build: { outDir: clientDir, emptyOutDir: true } });
    }
    const bundle = await buildBenchEntry(join(tmp, 'entry'));
    server = await startServer({ CLIENT_DIR: clientDir });
    b = await openBrowser(server.url);
    await b.context.addInitScript({ content: MARK_INTERACTIVE });

    await firstLoadJs(b.page);
    await offlineReload(b.page, server);
    await b.context.close();

    await server.start();
    // Service workers blocked: this context only needs the app to sign in and sync once.
    const context = await b.browser.newContext({ ...PHONE_CONTEXT, baseURL: server.url, serviceWorkers: 'block' });
    await largeDevice(context, bundle);
    await context.close();
  } finally {
    await b?.close().catch(() => undefined);
    await server?.dispose().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}
