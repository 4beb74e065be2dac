/** Creating accounts from the CLI (later also from the county console), audited. */
import type { Kysely } from 'kysely';
import { userSchema, type User } from '../../domain/entities';
import { uuidv7 } from '../../domain/ids';
import { UUID_RE } from '../../domain/ids';
import type { Database } from '../db/schema';
import { audit } from '../audit/log';
import { hashPassword, verifyPassword } from '../auth/password';
import { regionPathOf } from '../scope/viewer';
import { RegionTree } from '../scope/keys';
import { userToRow, userFromRow } from './rows';
import { regionFromRow } from '../regions/rows';

export interface CreateUserInput {
  username: string;
  password: string;
  role: User['role'];
  /** A region code or id. */
  region: string;
  displayName?: string | undefined;
}

export async function createUser(db: Kysely<Database>, input: CreateUserInput): Promise<User> {
  if (input.password.length < 8) throw new Error('password must have at least 8 characters');
  const region = await db
    .selectFrom('regions')
    .select('id')
    .where(UUID_RE.test(input.region) ? 'id' : 'code', '=', input.region)
    .executeTakeFirst();
  if (!region) throw new Error(`unknown region ${input.region}`);
  const user = userSchema.parse({
    id: uuidv7(),
    username: input.username,
    displayName: input.displayName ?? input.username,
    role: input.role,
    regionId: region.id,
    phone: null,
    certified: false,
    certificateNo: null,
    department: null,
  });
  const path = await regionPathOf(db, region.id);
  const keys = new RegionTree(path.map(regionFromRow)).keysOf(region.id);
  const hash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('users').values(userToRow(user, hash, keys)).returningAll().executeTakeFirstOrThrow();
    await audit(trx, { userId: null, deviceId: null, action: 'user.create', entity: 'user', entityId: user.id, details: { via: 'cli', role: user.role } });
    return userFromRow(row);
  });
}

/**
 * Usernames of active accounts that still use the demo password, which a production start refuses.
 * A stored hash found not to be the demo password is remembered (`demo_password_checks`), so only
 * accounts created or given a new password since the last check cost a scrypt.
 */
export async function usersWithDemoPassword(db: Kysely<Database>, demoPassword: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('demo_password_checks as c', (join) => join.onRef('c.user_id', '=', 'u.id').onRef('c.password_hash', '=', 'u.password_hash'))
    .select(['u.id', 'u.username', 'u.password_hash'])
    .where('u.disabled_at', 'is', null)
    .where('c.user_id', 'is', null)
    .orderBy('u.username')
    .execute();
  const weak = await matchingPassword(rows, demoPassword);
  const weakIds = new Set(weak.map((r) => r.id));
  const cleared = rows.filter((r) => !weakIds.has(r.id)).map((r) => ({ user_id: r.id, password_hash: r.password_hash }));
  for (let i = 0; i < cleared.length; i += 1000) {
    await db
      .insertInto('demo_password_checks')
      .values(cleared.slice(i, i + 1000))
      .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ password_hash: eb.ref('excluded.password_hash'), checked_at: new Date() })))
      .execute();
  }
  return weak.map((r) => r.username);
}

/** The rows whose stored hash is of `password`; 4 at a time, as scrypt runs on libuv's thread pool. */
async function matchingPassword<R extends { password_hash: string }>(rows: R[], password: string): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += 4) {
    const batch = rows.slice(i, i + 4);
    const hits = await Promise.all(batch.map((r) => verifyPassword(password, r.password_hash)));
    batch.forEach((r, k) => hits[k] && out.push(r));
  }
  return out;
}
