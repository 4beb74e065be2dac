/**
 * The server's `epoch` (SPEC §8): a device that sees it change forgets what it synced and starts over,
 * keeping its unsent work. It must change whenever the database is restored from a backup: a restored
 * database no longer has what devices synced after the backup, and the xid cursors they hold point
 * past its rows.
 *
 * A restore into another database (a new server, a new cluster, the database dropped and created
 * again) is recognised at boot: the database's oid is not the one `meta` remembers, and the epoch
 * changes by itself. A restore in place — the same database overwritten, or a PGlite data directory
 * copied back — cannot be told from the inside: the operator runs `new-epoch` after it (README).
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';
import { getMeta, setMeta } from './meta';

/** Starts a new epoch; returns it. */
export async function newEpoch(db: Kysely<Database>): Promise<string> {
  const epoch = randomUUID();
  await setMeta(db, 'epoch', epoch);
  return epoch;
}

/**
 * At boot: a new epoch when this database is not the one `meta` was written in (a restore into
 * another database); the first boot only remembers the database. Returns the new epoch, or null.
 */
export async function newEpochIfMoved(db: Kysely<Database>): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    // Two processes booting together: the second waits here and finds the oid remembered.
    await trx.selectFrom('meta').select('key').where('key', '=', 'epoch').forUpdate().execute();
    const { rows } = await sql<{ oid: string }>`SELECT oid::text AS oid FROM pg_database WHERE datname = current_database()`.execute(trx);
    const oid = rows[0]!.oid;
    const remembered = await getMeta(trx, 'database_oid');
    if (remembered === oid) return null;
    await setMeta(trx, 'database_oid', oid);
    return remembered === undefined ? null : newEpoch(trx);
  });
}
