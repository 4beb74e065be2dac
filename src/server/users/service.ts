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

/** Usernames of active accounts whose password is still `password` (scrypt-verified, 4 at a time). */
export async function usersWithPassword(db: Kysely<Database>, password: string): Promise<string[]> {
  const rows = await db.selectFrom('users').select(['username', 'password_hash']).where('disabled_at', 'is', null).execute();
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 4) {
    const batch = rows.slice(i, i + 4);
    const hits = await Promise.all(batch.map((r) => verifyPassword(password, r.password_hash)));
    batch.forEach((r, k) => hits[k] && out.push(r.username));
  }
  return out;
}
