/**
 * A tiny forward-only migration runner. Each migration runs in its own transaction holding a
 * transaction-scoped advisory lock, so two server processes starting together never race: the second
 * waits, then sees the migration recorded and skips it.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';
import { migration as m0001 } from './migrations/0001_initial';
import { migration as m0002 } from './migrations/0002_sync';
import { migration as m0003 } from './migrations/0003_sync_batches';
import { migration as m0004 } from './migrations/0004_task_completion_note';
import { migration as m0005 } from './migrations/0005_mutation_result_without_xid';
import { migration as m0006 } from './migrations/0006_demo_password_checks';
import { migration as m0007 } from './migrations/0007_coordinator_tombstones';
import { migration as m0008 } from './migrations/0008_visit_doc_json';

export interface Migration {
  id: number;
  name: string;
  /** One statement per entry: PGlite's extended protocol takes a single statement at a time. */
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008];

/** Arbitrary constant: "grid-patrol migrations". */
const LOCK_KEY = 7_461_202_401;

export interface MigrateResult {
  applied: string[];
}

export async function migrate(db: Kysely<Database>, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  const applied: string[] = [];
  for (const m of migrations) {
    const ran = await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${sql.lit(LOCK_KEY)})`.execute(trx);
      await sql`CREATE TABLE IF NOT EXISTS migrations (
        id integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`.execute(trx);
      const done = await trx.selectFrom('migrations').select('id').where('id', '=', m.id).executeTakeFirst();
      if (done) return false;
      for (const statement of m.statements) await sql.raw(statement).execute(trx);
      await trx.insertInto('migrations').values({ id: m.id, name: m.name }).execute();
      return true;
    });
    if (ran) applied.push(`${String(m.id).padStart(4, '0')}_${m.name}`);
  }
  return { applied };
}
