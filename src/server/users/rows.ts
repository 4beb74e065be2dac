import type { Insertable } from 'kysely';
import type { User } from '../../domain/entities';
import type { Role } from '../../domain/enums';
import type { UserRow, UsersTable } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';

/** Never carries password data: the hash stays in the database. */
export function userFromRow(r: Omit<UserRow, 'password_hash'>): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    regionId: r.region_id,
    phone: r.phone,
    certified: r.certified,
    certificateNo: r.certificate_no,
    department: r.department,
  };
}

export function userToRow(e: User, passwordHash: string, keys: ScopeKeys): Insertable<UsersTable> {
  return {
    id: e.id,
    username: e.username,
    display_name: e.displayName,
    role: e.role,
    region_id: e.regionId,
    phone: e.phone ?? null,
    certified: e.certified,
    certificate_no: e.certificateNo ?? null,
    department: e.department ?? null,
    password_hash: passwordHash,
    ...keys,
  };
}

/** Columns safe to select for a user: everything but the password hash. */
export const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'role',
  'region_id',
  'phone',
  'certified',
  'certificate_no',
  'department',
  'county_id',
  'township_id',
  'grid_id',
  'version',
  '_xid',
  'created_at',
  'updated_at',
  'disabled_at',
] as const;
