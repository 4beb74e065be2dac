/**
 * Offline unlock (SPEC §4.2): after an online login the device keeps, per username, a password
 * verifier — PBKDF2-SHA-256 over a random salt, never the password — beside the user, their scope
 * (`/api/me`) and the session token. The same user can later unlock with no network.
 *
 * Kept in localStorage: it is small, synchronous to read before any database is open, and the
 * session it restores lives there too.
 */
import type { MeResponse, PublicUser } from '../../domain/api';

const STORAGE_KEY = 'grid-patrol.verifiers';
/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256. */
export const PBKDF2_ITERATIONS = 210_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export interface LocalVerifier {
  username: string;
  userId: string;
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  /** base64 */
  salt: string;
  /** base64 of the derived bits */
  hash: string;
  user: PublicUser;
  me: MeResponse | null;
  /** The last session token of this user on this device; null once the server ended it. */
  token: string | null;
  expiresAt: string | null;
  updatedAt: string;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

/** Compares without stopping at the first difference. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function readAll(): Record<string, LocalVerifier> {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, LocalVerifier>) : {};
  } catch {
    return {};
  }
}

function writeAll(all: Record<string, LocalVerifier>): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(all));
}

export function readVerifier(username: string): LocalVerifier | null {
  return readAll()[normalizeUsername(username)] ?? null;
}

export interface VerifierSession {
  user: PublicUser;
  me: MeResponse | null;
  token: string | null;
  expiresAt: string | null;
}

/** After an online login: a fresh salt and verifier for this password, with the session it unlocks. */
export async function saveVerifier(username: string, password: string, session: VerifierSession): Promise<LocalVerifier> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  const verifier: LocalVerifier = {
    username: normalizeUsername(username),
    userId: session.user.id,
    kdf: 'PBKDF2-SHA-256',
    iterations: PBKDF2_ITERATIONS,
    salt: toBase64(salt),
    hash: toBase64(hash),
    user: session.user,
    me: session.me,
    token: session.token,
    expiresAt: session.expiresAt,
    updatedAt: new Date().toISOString(),
  };
  const all = readAll();
  all[verifier.username] = verifier;
  writeAll(all);
  return verifier;
}

/** Keeps the stored user, scope or token current without touching the password verifier. */
export function updateVerifier(userId: string, patch: Partial<VerifierSession>): void {
  const all = readAll();
  const entry = Object.values(all).find((v) => v.userId === userId);
  if (!entry) return;
  all[entry.username] = { ...entry, ...patch, updatedAt: new Date().toISOString() };
  writeAll(all);
}

export type UnlockResult = { ok: true; verifier: LocalVerifier } | { ok: false; reason: 'unknown_user' | 'wrong_password' };

/** Checks a password against the device's verifier for `username`; never touches the network. */
export async function checkVerifier(username: string, password: string): Promise<UnlockResult> {
  const verifier = readVerifier(username);
  if (!verifier) return { ok: false, reason: 'unknown_user' };
  const hash = await derive(password, fromBase64(verifier.salt), verifier.iterations);
  return sameBytes(hash, fromBase64(verifier.hash)) ? { ok: true, verifier } : { ok: false, reason: 'wrong_password' };
}
