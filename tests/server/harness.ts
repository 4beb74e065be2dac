/**
 * One migrated database per test FILE: PGlite always (one instance per file — it takes seconds to
 * start), plus PostgreSQL when TEST_DATABASE_URL is set, in a fresh schema dropped afterwards.
 * Suites run as `describe.each(backends)`. REQUIRE_POSTGRES=1 makes a missing or unreachable
 * PostgreSQL a failure instead of a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { LoginResponse } from '../../src/domain/api';
import { buildApp } from '../../src/server/app';
import { loadConfig, type Config } from '../../src/server/config';
import type { AutovacuumOptions } from '../../src/server/db/autovacuum';
import { openDb, type Db } from '../../src/server/db/connect';
import { migrate } from '../../src/server/db/migrate';
import { DATA_TABLES } from '../../src/server/db/schema';
import { insertDataset } from '../../src/server/seed/insert';
import { buildSmallCounty, TEST_PASSWORD, type SmallCounty } from '../factories';
import { sql } from 'kysely';

export type BackendName = 'pglite' | 'postgres';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const REQUIRE_POSTGRES = process.env.REQUIRE_POSTGRES === '1';

async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function resolveBackends(): Promise<BackendName[]> {
  if (!TEST_DATABASE_URL) {
    if (REQUIRE_POSTGRES) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set');
    return ['pglite'];
  }
  if (await postgresReachable(TEST_DATABASE_URL)) return ['pglite', 'postgres'];
  if (REQUIRE_POSTGRES) throw new Error(`REQUIRE_POSTGRES=1 but PostgreSQL at TEST_DATABASE_URL is unreachable`);
  console.warn('TEST_DATABASE_URL is set but PostgreSQL is unreachable: running on PGlite only');
  return ['pglite'];
}

export const backends: BackendName[] = await resolveBackends();

export const testConfig: Config = loadConfig({ NODE_ENV: 'test', DATA_DIR: './data/test-unused' });

export interface TestDb {
  db: Db;
  backend: BackendName;
  close(): Promise<void>;
}

export interface TestDbOptions {
  /** Migrated (default) or empty. */
  migrated?: boolean;
  /** PGlite's autovacuum (pglite-pool.ts): on with its defaults unless given. */
  autovacuum?: AutovacuumOptions | false;
}

/** A database of its own (PGlite in memory, or a fresh PostgreSQL schema), migrated unless told not. */
export async function openTestDb(backend: BackendName, { migrated = true, autovacuum }: TestDbOptions = {}): Promise<TestDb> {
  if (backend === 'pglite') {
    const db = await openDb({ autovacuum });
    if (migrated) await migrate(db.kysely);
    return { db, backend, close: () => db.close() };
  }
  const url = TEST_DATABASE_URL!;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openDb({ databaseUrl: url, pgPoolConfig: { options: `-c search_path=${schema}`, max: 5 } });
  if (migrated) await migrate(db.kysely);
  return {
    db,
    backend,
    close: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

export interface Session {
  token: string;
  deviceId: string;
  /** The signed-in user, as the login answered. */
  userId: string;
  headers: Record<string, string>;
}

export interface TestContext extends TestDb {
  app: FastifyInstance;
  county: SmallCounty;
  login(username: string, deviceId?: string): Promise<Session>;
}

const dbOfApp = new WeakMap<FastifyInstance, Db>();

/** Database + small seeded county + app, for one test file and backend. */
export async function setupContext(backend: BackendName, opts: Omit<TestDbOptions, 'migrated'> = {}): Promise<TestContext> {
  const testDb = await openTestDb(backend, opts);
  const county = buildSmallCounty();
  await insertDataset(testDb.db.kysely, county.dataset);
  const app = await buildApp(testConfig, { db: testDb.db, clientDir: '/nonexistent' });
  await app.ready();
  dbOfApp.set(app, testDb.db);
  let n = 0;
  return {
    ...testDb,
    app,
    county,
    async login(username, deviceId = `dev-${username}-${++n}`) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: TEST_PASSWORD, deviceId },
        remoteAddress: '10.0.0.1',
      });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const { token, user } = res.json<LoginResponse>();
      return { token, deviceId, userId: user.id, headers: { authorization: `Bearer ${token}`, 'x-device-id': deviceId } };
    },
    async close() {
      await app.close();
      await testDb.close();
    },
  };
}

/**
 * The context of a suite on `backend` and a session of each of `usernames`, in that order: set up
 * by a `beforeAll`, closed by an `afterAll` this registers. The objects returned are empty until that
 * `beforeAll` has filled them in: use them in tests and hooks, not while the suite is collected.
 */
export function useContext<const U extends readonly string[]>(
  backend: BackendName,
  usernames: U,
): { ctx: TestContext; sessions: { -readonly [K in keyof U]: Session } } {
  const ctx = {} as TestContext;
  const sessions = usernames.map(() => ({}) as Session);
  beforeAll(async () => {
    Object.assign(ctx, await setupContext(backend));
    for (const [i, username] of usernames.entries()) Object.assign(sessions[i]!, await ctx.login(username));
  });
  afterAll(async () => {
    if ('close' in ctx) await ctx.close();
  });
  return { ctx, sessions: sessions as { -readonly [K in keyof U]: Session } };
}

/** How many rows of `table` have an id in `ids`. */
export async function countIds(t: { db: Db }, table: 'visits' | 'subjects' | 'ledger_events' | 'cases', ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE id = ANY(${sql.val(ids)}::uuid[])`.execute(t.db.kysely);
  return rows[0]!.n;
}

/** The server's position for `clientId` (0 when it does not know the client). */
export async function lastMutationIdOf(t: { db: Db }, clientId: string): Promise<number> {
  const row = await t.db.kysely.selectFrom('sync_client').select('last_mutation_id').where('client_id', '=', clientId).executeTakeFirst();
  return Number(row?.last_mutation_id ?? 0);
}

/** Row counts of every data table (login_attempts excepted: rate limiting must record failures). */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of DATA_TABLES) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}`.execute(db.kysely);
    out[t] = rows[0]!.n;
  }
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sessions WHERE revoked_at IS NOT NULL`.execute(db.kysely);
  out.revoked_sessions = rows[0]!.n;
  return out;
}

/**
 * The shared assertion for bad input (SPEC §9): the request gets `expectedStatus` with the JSON error
 * body `{error: {code, message}}`, and no table changes.
 */
export async function expectRejectsWithoutWrite(
  app: FastifyInstance,
  request: InjectOptions,
  expectedStatus: number,
  expectedCode: string,
): Promise<LightMyRequestResponse> {
  const db = dbOfApp.get(app);
  if (!db) throw new Error('app was not built by setupContext');
  const before = await countRows(db);
  const res = await app.inject(request);
  expect(res.statusCode, res.body).toBe(expectedStatus);
  const body = res.json<{ error: { code: string; message: string } }>();
  expect(body.error.code).toBe(expectedCode);
  expect(typeof body.error.message).toBe('string');
  expect(await countRows(db)).toEqual(before);
  return res;
}
