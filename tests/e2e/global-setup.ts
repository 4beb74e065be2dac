/**
 * Builds the real PWA once for the e2e run; every spec then starts the real server on it.
 * `E2E_SKIP_BUILD=1` reuses an existing build while iterating locally.
 */
import { existsSync } from 'node:fs';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  if (process.env.E2E_SKIP_BUILD === '1' && existsSync('dist/client/index.html')) return;
  // Vitest runs with NODE_ENV=test, and Vite then makes a non-production build (import.meta.env.PROD
  // false) that never registers the service worker: build exactly what `npm run build` ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
