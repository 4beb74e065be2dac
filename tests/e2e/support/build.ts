/**
 * The PWA as it is deployed, for the app-update spec: a copy of the built dist/client the spec's own
 * server serves (CLIENT_DIR), and a NEW build written into that copy while the server runs — as a
 * deployment puts a new version next to the old one. The shared dist/client is never touched.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'vite';

export const BUILD_META = 'gp-e2e-build';

/** A private copy of dist/client. */
export function copyOfBuiltClient(): string {
  const dir = mkdtempSync(join(tmpdir(), 'grid-patrol-client-'));
  cpSync('dist/client', dir, { recursive: true });
  return dir;
}

/** Marks index.html with a build id: index.html is precached, so the service worker changes too. */
function buildIdPlugin(buildId: string): Plugin {
  return {
    name: 'e2e-build-id',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { name: BUILD_META, content: buildId }, injectTo: 'head' }],
  };
}

/**
 * A production build of the current sources into `outDir`, its index.html marked with `buildId`.
 * Old hashed assets stay (not emptied), as on a server that keeps the previous version's files.
 */
export async function buildNewVersionInto(outDir: string, buildId: string): Promise<void> {
  // Vitest runs with NODE_ENV=test, under which Vite would make a non-production build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: 'vite.config.ts',
      mode: 'production',
      logLevel: 'warn',
      plugins: [buildIdPlugin(buildId)],
      build: { outDir, emptyOutDir: false },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  if (!readFileSync(join(outDir, 'index.html'), 'utf8').includes(buildId)) throw new Error(`the new build in ${outDir} lacks its id`);
}
