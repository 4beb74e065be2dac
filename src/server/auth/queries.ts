/** SQL of sessions, login attempts and the user lookups authentication needs. */
import { sql, type Kysely } from 'kysely';
import type { Database, UserRow } from '../db/schema';
import { USER_COLUMNS } from '../users/rows';

export const RATE_WINDOW_MINUTES = 15;

export async function findUserByUsername(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).where('disabled_at', 'is', null).executeTakeFirst();
}

export async function recentFailures(db: Kysely<Database>, username: string, ip: string): Promise<{ byUser: number; byIp: number }> {
  const since = sql<Date>`now() - make_interval(mins => ${RATE_WINDOW_MINUTES})`;
  const row = await db
    .selectFrom('login_attempts')
    .select([
      sql<number>`count(*) FILTER (WHERE username = ${username})::int`.as('by_user'),
      sql<number>`count(*) FILTER (WHERE ip = ${ip})::int`.as('by_ip'),
    ])
    .where('success', '=', false)
    .where('at', '>', since)
    .where((eb) => eb.or([eb('username', '=', username), eb('ip', '=', ip)]))
    .executeTakeFirstOrThrow();
  return { byUser: row.by_user, byIp: row.by_ip };
}

export async function recordFailure(db: Kysely<Database>, username: string, ip: string): Promise<void> {
  await db.insertInto('login_attempts').values({ username, ip, success: false }).execute();
}

export async function clearFailures(db: Kysely<Database>, username: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('username', '=', username).where('success', '=', false).execute();
}

export async function insertSession(
  db: Kysely<Database>,
  s: { tokenHash: string; userId: string; deviceId: string; ttlHours: number },
): Promise<Date> {
  const row = await db
    .insertInto('sessions')
    .values({
      token_hash: s.tokenHash,
      user_id: s.userId,
      device_id: s.deviceId,
      expires_at: sql<Date>`now() + make_interval(hours => ${s.ttlHours})`,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return row.expires_at;
}

/** A session, whether it may be used, and its user. */
export type SessionWithUser = Omit<UserRow, 'password_hash'> & {
  token_hash: string;
  device_id: string;
  expired: boolean;
  revoked: boolean;
  stale: boolean;
};

/** The sessions of `tokenHashes` that exist, with their users (one query for a crowd of requests). */
export async function findSessions(db: Kysely<Database>, tokenHashes: string[]): Promise<SessionWithUser[]> {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(USER_COLUMNS.map((c) => `users.${c}` as const))
    .select([
      'sessions.token_hash',
      'sessions.device_id',
      sql<boolean>`sessions.expires_at <= now()`.as('expired'),
      sql<boolean>`sessions.revoked_at IS NOT NULL OR users.disabled_at IS NOT NULL`.as('revoked'),
      sql<boolean>`sessions.last_seen_at < now() - interval '5 minutes'`.as('stale'),
    ])
    .where('sessions.token_hash', '=', sql<string>`ANY(${sql.val(tokenHashes)}::text[])`)
    .execute();
}

export async function touchSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: sql<Date>`now()` }).where('token_hash', '=', tokenHash).execute();
}

export async function revokeSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Housekeeping at start: expired sessions and old login attempts serve no purpose. */
export async function sweepAuthTables(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now() - interval '30 days'`).execute();
  await db.deleteFrom('login_attempts').where('at', '<', sql<Date>`now() - interval '1 day'`).execute();
}
