/**
 * The PouchDB side of the SPEC §12 sync budget: PouchDB 9 (pouchdb-core with the memory adapter, i.e.
 * memdown, and the HTTP adapter) replicating the same documents to a CouchDB-compatible server on the
 * same machine — express-pouchdb 4, the server of the pouchdb-server project, over its own memory-adapter
 * databases, listening on 127.0.0.1 on a free port. The server runs in THIS process, as bench/sync.ts runs
 * our server code (and PGlite) in-process, so `cpuPerSec` counts the client's and the server's CPU alike.
 *
 * express-pouchdb runs in its 'minimumForPouchDB' mode (the routes PouchDB needs; no config.json or
 * log.txt written to the working directory, no per-request log) without its gzip middleware: CouchDB
 * does not compress responses, neither does our server, and on loopback gzip only costs CPU.
 *
 * - push: a local PouchDB already holding the documents (bulkDocs in batches before the clock starts)
 *   replicated to an empty remote database (created before the clock starts) with
 *   `PouchDB.replicate(local, remote, { batch_size })` and PouchDB's default `batches_limit` (10);
 *   afterwards the remote must report every document.
 * - pull: a fresh empty local PouchDB replicating from that remote database; afterwards it must hold
 *   every document.
 *
 * Both run twice through fresh databases on the same server, each time with every document; only the
 * second round is timed (the first warms up PouchDB's and express's code, which would otherwise be
 * measured cold). Each document is a record with `_id` = its `id` and the record's other fields.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import PouchDB, { type PouchDatabase, type PouchReplicationOptions, type PouchReplicationResult } from 'pouchdb-core';
import memoryAdapter from 'pouchdb-adapter-memory';
import httpAdapter from 'pouchdb-adapter-http';
import replication from 'pouchdb-replication';
import expressPouchDB from 'express-pouchdb';
import { measure, type Rate } from './measure';

export interface PouchOptions {
  /** Keep express-pouchdb's gzip middleware (node-fetch, under PouchDB, asks for gzip). */
  compression?: boolean;
  /** PouchDB's `batches_limit`; its default (10) when not given. */
  batchesLimit?: number;
}

const Pouch = PouchDB.plugin(memoryAdapter).plugin(httpAdapter).plugin(replication);

function checkReplication(what: string, res: PouchReplicationResult, n: number): void {
  if (!res.ok || res.docs_written !== n || res.doc_write_failures !== 0) {
    throw new Error(`PouchDB ${what}: ${res.status}, ${res.docs_written}/${n} written, ${res.doc_write_failures} failures`);
  }
}

async function expectDocs(what: string, db: PouchDatabase, n: number): Promise<void> {
  const { doc_count } = await db.info();
  if (doc_count !== n) throw new Error(`PouchDB ${what}: ${doc_count} documents, expected ${n}`);
}

/** Push and pull rates of PouchDB replicating `records` to and from express-pouchdb, `batch` per batch. */
export async function pouchRates(
  records: readonly { id: string }[],
  batch: number,
  opts: PouchOptions = {},
): Promise<{ push: Rate; pull: Rate; records: number; bytesPerRecord: number }> {
  const docs = records.map(({ id, ...rest }) => ({ _id: id, ...rest }));
  const n = docs.length;
  const bytesPerRecord = Math.round(docs.reduce((s, d) => s + Buffer.byteLength(JSON.stringify(d)), 0) / n);
  // memdown keeps every database of the process in one store keyed by name: the names must not meet.
  const tag = randomBytes(4).toString('hex');
  const ServerPouch = Pouch.defaults({ adapter: 'memory', prefix: `pouch-bench-server-${tag}-` });
  const app = expressPouchDB(ServerPouch, {
    mode: 'minimumForPouchDB',
    ...(opts.compression ? {} : { overrideMode: { exclude: ['compression'] } }),
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const remoteUrl = `http://127.0.0.1:${port}/visits`;
  const replicateOpts: PouchReplicationOptions = { batch_size: batch, ...(opts.batchesLimit ? { batches_limit: opts.batchesLimit } : {}) };

  try {
    await round(docs, batch, `${remoteUrl}-warmup`, `${tag}-warmup`, replicateOpts);
    const { push, pull } = await round(docs, batch, remoteUrl, tag, replicateOpts);
    return { push, pull, records: n, bytesPerRecord };
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** One push and one pull of `docs` through fresh databases, which it destroys afterwards. */
async function round(
  docs: object[],
  batch: number,
  remoteUrl: string,
  tag: string,
  replicateOpts: PouchReplicationOptions,
): Promise<{ push: Rate; pull: Rate }> {
  const n = docs.length;
  const source = new Pouch(`pouch-bench-source-${tag}`, { adapter: 'memory' });
  const target = new Pouch(`pouch-bench-target-${tag}`, { adapter: 'memory' });
  const remote = new Pouch(remoteUrl);
  try {
    for (let i = 0; i < n; i += batch) {
      const res = await source.bulkDocs(docs.slice(i, i + batch));
      const bad = res.find((r) => !r.ok);
      if (bad) throw new Error(`PouchDB bulkDocs: ${JSON.stringify(bad)}`);
    }
    await expectDocs('source', source, n);
    await expectDocs('empty remote', remote, 0); // creates the remote database

    const push = await measure(n, async () => checkReplication('push', await Pouch.replicate(source, remote, replicateOpts), n));
    await expectDocs('remote after push', remote, n);

    const pull = await measure(n, async () => checkReplication('pull', await Pouch.replicate(remote, target, replicateOpts), n));
    await expectDocs('local after pull', target, n);
    return { push, pull };
  } finally {
    await remote.destroy().catch(() => undefined);
    await Promise.all([source.destroy(), target.destroy()]).catch(() => undefined);
  }
}
