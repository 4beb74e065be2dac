/**
 * End-to-end harness: the real server process (`tsx src/server/cli.ts start`) on a free port with a
 * temporary data dir, and Debian's Chromium driven by playwright-core. The server can be stopped and
 * started again on the same port and data dir, which is how the e2e tests take the network away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerHandle {
  url: string;
  port: number;
  dataDir: string;
  /** Everything the server printed, for diagnosing a failure. */
  output: () => string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  dispose: () => Promise<void>;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy within ${timeoutMs} ms:\n${output()}`);
}

export async function startServer(env: Record<string, string> = {}): Promise<ServerHandle> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'grid-patrol-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let log = '';

  const start = async (): Promise<void> => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', 'start'], {
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        NODE_ENV: 'development',
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await waitForHealth(url, child, () => log, 90_000);
  };

  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 15_000).unref();
    });
    child = null;
  };

  await start();
  return {
    url,
    port,
    dataDir,
    output: () => log,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserHandle {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings and uncaught page errors seen so far; specs assert it stays empty. */
  problems: string[];
  /** The problems not matched by one of the expected patterns (e.g. the 401 of a wrong password). */
  unexpectedProblems: (expected?: RegExp[]) => string[];
  close: () => Promise<void>;
}

/** A field worker's phone: a small touch screen, in Chinese, in the county's time zone. */
export const PHONE_CONTEXT: BrowserContextOptions = {
  viewport: { width: 360, height: 640 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

export async function openBrowser(baseURL: string): Promise<BrowserHandle> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ ...PHONE_CONTEXT, baseURL });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  const unexpectedProblems = (expected: RegExp[] = []): string[] =>
    problems.filter((p) => !expected.some((re) => re.test(p)));
  return { browser, context, page, problems, unexpectedProblems, close: () => browser.close() };
}

/**
 * The server (started with `env`, or what `env()` returns when the suite starts) and a browser on
 * it, for one suite: started by a `beforeAll`, closed and removed by an `afterAll` this registers. The
 * handles are empty until that `beforeAll` has filled them in: use them in tests and hooks only.
 */
export function useServerAndBrowser(env: Record<string, string> | (() => Record<string, string>) = {}): { server: ServerHandle; b: BrowserHandle } {
  const server = {} as ServerHandle;
  const b = {} as BrowserHandle;
  beforeAll(async () => {
    Object.assign(server, await startServer(typeof env === 'function' ? env() : env));
    Object.assign(b, await openBrowser(server.url));
  });
  afterAll(async () => {
    if ('close' in b) await b.close();
    if ('dispose' in server) await server.dispose();
  });
  return { server, b };
}

export const SCREENSHOT_DIR = '.e2e-artifacts';

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}
