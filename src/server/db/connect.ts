/**
 * Opens the database: PostgreSQL through `pg` when DATABASE_URL is set, otherwise embedded PGlite
 * persisted at DATA_DIR/pg. Both go through Kysely's PostgresDialect, so the SQL is identical.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, type KyselyConfig, type PostgresDialectConfig } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { PGlitePool } from './pglite-pool';
import type { AutovacuumOptions } from './autovacuum';

export type DbKind = 'pglite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  kind: DbKind;
  /** Closes the pool; for PGlite this flushes and closes the data directory. */
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; `undefined` with no databaseUrl means in memory (tests). */
  pgliteDir?: string | undefined;
  /** Extra pg pool options (tests use `options: '-c search_path=…'`). */
  pgPoolConfig?: pg.PoolConfig;
  /** Kysely's query log (the sync benchmark sums the time spent in queries). */
  log?: KyselyConfig['log'];
  /** PGlite only: the pool's autovacuum (on by default; see autovacuum.ts), or false for none. */
  autovacuum?: AutovacuumOptions | false;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  const kyselyOver = (pool: PostgresDialectConfig['pool']) => new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(opts.log ? { log: opts.log } : {}) });
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10, ...opts.pgPoolConfig });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const kysely = kyselyOver(pool);
    return { kysely, kind: 'postgres', close: () => kysely.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  if (opts.pgliteDir) fs.mkdirSync(path.dirname(opts.pgliteDir), { recursive: true });
  const pglite = opts.pgliteDir ? new PGlite(opts.pgliteDir) : new PGlite();
  await pglite.waitReady;
  // A failed pass is reported whatever else the caller set (the next pass tries again).
  const reportFailure = (err: unknown) => process.emitWarning(`PGlite autovacuum failed: ${String(err)}`);
  const pool = new PGlitePool(pglite, { autovacuum: opts.autovacuum === false ? false : { onError: reportFailure, ...opts.autovacuum } });
  const kysely = kyselyOver(pool);
  return { kysely, kind: 'pglite', close: () => kysely.destroy() };
}

export function pgliteDirFor(dataDir: string): string {
  return path.join(dataDir, 'pg');
}
