/**
 * Login, logout and request authentication. Tokens are 32 random bytes (base64url) handed to the
 * client once; the database keeps only their SHA-256, bound to the device id given at login.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FastifyRequest } from 'fastify';
import { DEVICE_HEADER, type LoginRequest, type LoginResponse, type MeResponse, type RegionRef } from '../../domain/api';
import type { Database, RegionRow } from '../db/schema';
import { AppError } from '../errors';
import { audit } from '../audit/log';
import { iso } from '../db/time';
import { userFromRow } from '../users/rows';
import { regionPathsOf, resolveScope, type Viewer } from '../scope/viewer';
import { BatchLoader } from '../util/batch';
import { dummyPasswordHash, verifyPassword } from './password';
import * as q from './queries';

const MAX_FAILURES_PER_USERNAME = 5;
const MAX_FAILURES_PER_IP = 20;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function login(
  db: Kysely<Database>,
  input: LoginRequest,
  ip: string,
  ttlHours: number,
): Promise<LoginResponse> {
  const username = input.username.trim().toLowerCase();
  const failures = await q.recentFailures(db, username, ip);
  if (failures.byUser >= MAX_FAILURES_PER_USERNAME || failures.byIp >= MAX_FAILURES_PER_IP) {
    throw new AppError('rate_limited', undefined, `login rate limited for ${username} from ${ip}`);
  }
  const row = await q.findUserByUsername(db, username);
  // Verify against a dummy hash for unknown users: the same answer in about the same time.
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await dummyPasswordHash()));
  if (!row || !ok) {
    await q.recordFailure(db, username, ip);
    throw new AppError('invalid_credentials');
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = await db.transaction().execute(async (trx) => {
    const expires = await q.insertSession(trx, { tokenHash: hashToken(token), userId: row.id, deviceId: input.deviceId, ttlHours });
    await q.clearFailures(trx, username);
    await audit(trx, { userId: row.id, deviceId: input.deviceId, action: 'auth.login', entity: 'user', entityId: row.id, details: { ip } });
    return expires;
  });
  return { token, expiresAt: iso(expiresAt), user: userFromRow(row) };
}

export async function logout(db: Kysely<Database>, viewer: Viewer): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await q.revokeSession(trx, viewer.tokenHash);
    await audit(trx, { userId: viewer.user.id, deviceId: viewer.deviceId, action: 'auth.logout', entity: 'user', entityId: viewer.user.id });
  });
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header.trim());
  return m ? m[1]! : null;
}

/** A session with its user, and the path from the county down to the user's region. */
interface Caller {
  session: q.SessionWithUser;
  path: RegionRow[];
}

/** One loader per database: the callers of the requests that arrive together are read together. */
const callerLoaders = new WeakMap<Kysely<Database>, BatchLoader<string, Caller>>();

function callers(db: Kysely<Database>): BatchLoader<string, Caller> {
  let loader = callerLoaders.get(db);
  if (!loader) {
    loader = new BatchLoader(async (tokenHashes) => {
      const sessions = await q.findSessions(db, tokenHashes);
      const paths = sessions.length ? await regionPathsOf(db, [...new Set(sessions.map((s) => s.region_id))]) : new Map<string, RegionRow[]>();
      return new Map(sessions.map((s) => [s.token_hash, { session: s, path: paths.get(s.region_id) ?? [] }]));
    });
    callerLoaders.set(db, loader);
  }
  return loader;
}

/**
 * Resolves the caller of a request, or throws 401. The session is read afresh for every request (a
 * revoked session stops working at once); requests arriving together share the statements.
 */
export async function authenticate(db: Kysely<Database>, request: FastifyRequest): Promise<Viewer> {
  const token = bearerToken(request);
  if (!token) throw new AppError('unauthenticated', undefined, 'missing or malformed bearer token');
  const deviceId = request.headers[DEVICE_HEADER];
  const tokenHash = hashToken(token);
  const caller = await callers(db).load(tokenHash);
  const session = caller?.session;
  if (!session || session.revoked) throw new AppError('unauthenticated', undefined, 'unknown or revoked session');
  if (session.expired) throw new AppError('session_expired');
  if (typeof deviceId !== 'string' || deviceId !== session.device_id) {
    throw new AppError('unauthenticated', undefined, 'device id does not match the session');
  }
  const user = userFromRow(session);
  const path = caller.path;
  const region = path[path.length - 1];
  if (!region) throw new AppError('forbidden', undefined, `user ${user.id} has no region`);
  if (session.stale) await q.touchSession(db, tokenHash);
  return { user, deviceId, tokenHash, region, regionPath: path, scope: await resolveScope(db, user, region) };
}

function regionRef(r: RegionRow): RegionRef {
  return { id: r.id, name: r.name, level: r.level as RegionRef['level'], code: r.code };
}

export function me(viewer: Viewer): MeResponse {
  return {
    user: viewer.user,
    role: viewer.user.role,
    region: regionRef(viewer.region),
    regionPath: viewer.regionPath.map(regionRef),
  };
}
