/**
 * Builds the real PWA once for the e2e run; every spec then starts the real server on it.
 * `E2E_SKIP_BUILD=1` reuses an existing build while iterating locally.
 */
import { existsSync } from 'node:fs';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  if (process.env.E2E_SKIP_BUILD === '1' && existsSync('dist/client/index.html')) return;
  await build({ logLevel: 'warn' });
}
