import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * Brotli and gzip copies of the built text files, written next to them (`x.js.br`, `x.js.gz`) for the
 * server to send as they are (@fastify/static `preCompressed`). A grid worker installs the app over
 * whatever signal the street has: the shell and its chunks travel at a fifth of their size, compressed
 * once at the strongest settings instead of on every request. Browsers ask for `br` only over HTTPS;
 * over plain HTTP they get the gzip copy.
 */
const TEXT_FILE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt)$/;

/** Smaller files gain nothing a request's headers would not cost. */
export const PRECOMPRESS_MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

/**
 * Writes `.br` and `.gz` beside every text file of `dir` of at least PRECOMPRESS_MIN_BYTES, each only
 * when smaller than the file; returns the files it compressed. Copies left from an earlier build are
 * overwritten, and a copy that would not be smaller is not written (the server then sends the file).
 */
export async function precompressDir(dir: string): Promise<string[]> {
  const done: string[] = [];
  const work: Promise<void>[] = [];
  for await (const file of files(dir)) {
    if (!TEXT_FILE.test(file) || (await stat(file)).size < PRECOMPRESS_MIN_BYTES) continue;
    work.push(
      (async () => {
        const data = await readFile(file);
        const [br, gzipped] = await Promise.all([
          brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
          gz(data, { level: constants.Z_BEST_COMPRESSION }),
        ]);
        if (br.length < data.length) await writeFile(`${file}.br`, br);
        if (gzipped.length < data.length) await writeFile(`${file}.gz`, gzipped);
        done.push(file);
      })(),
    );
  }
  await Promise.all(work);
  return done.sort();
}

/** The Vite plugin: after everything is written, the service worker included (vite-plugin-pwa writes it in its own closeBundle). */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'grid-patrol:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      async handler() {
        await precompressDir(outDir);
      },
    },
  };
}
