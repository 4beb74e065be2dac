/**
 * The signed-in session: token, user and their scope (`/api/me`). Persisted in localStorage so a
 * reload — also offline — stays signed in until the local session expires.
 *
 * Field roles are local-first (SPEC §4.2): an online login leaves a password verifier on the device
 * (auth/verifier.ts), so the same user can unlock later with no network. An unlocked session may
 * have no valid token; it works on local data and marks `needsReauth` until an online login, as
 * does a 401 from the server — the outbox and local data stay untouched either way.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LoginResponse, MeResponse, PublicUser } from '../../domain/api';
import type { Role } from '../../domain/enums';
import { ApiError, fetchMe, login as apiLogin, logout as apiLogout } from '../api';
import { hasIndexedDb, isLocalFirstRole, unsentSummary, type UnsentSummary } from '../auth/localData';
import { checkVerifier, saveVerifier, updateVerifier } from '../auth/verifier';
import { openUserDb } from '../db/database';
import { getDeviceId } from '../device';

const STORAGE_KEY = 'grid-patrol.session';
/** How long an offline unlock without a valid token lasts: a long shift. */
export const OFFLINE_UNLOCK_MS = 12 * 60 * 60 * 1000;

interface StoredSession {
  /** Null after an offline unlock whose token had expired or was ended. */
  token: string | null;
  /** When this local session ends (the token's expiry, or the offline unlock's). */
  expiresAt: string;
  user: PublicUser;
  me: MeResponse | null;
  needsReauth: boolean;
}

/** Why an offline unlock failed; the login view words it. */
export class UnlockError extends Error {
  override readonly name = 'UnlockError';
  constructor(readonly code: 'unknown_user' | 'wrong_password') {
    super(code);
  }
}

export type SignOutResult = { ok: true } | ({ ok: false } & UnsentSummary);

function readStored(): StoredSession | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.expiresAt !== 'string' || !parsed.user) return null;
    if (parsed.token !== null && typeof parsed.token !== 'string') return null;
    if (Date.parse(parsed.expiresAt) <= Date.now()) return null;
    return {
      token: parsed.token,
      expiresAt: parsed.expiresAt,
      user: parsed.user,
      me: parsed.me ?? null,
      needsReauth: parsed.needsReauth === true,
    };
  } catch {
    return null;
  }
}

export const useSessionStore = defineStore('session', () => {
  const stored = readStored();
  if (stored === null) localStorage.removeItem(STORAGE_KEY);

  const token = ref<string | null>(stored?.token ?? null);
  const expiresAt = ref<string | null>(stored?.expiresAt ?? null);
  const user = ref<PublicUser | null>(stored?.user ?? null);
  const me = ref<MeResponse | null>(stored?.me ?? null);
  /** The server no longer accepts this device's token: sync waits for an online login. */
  const needsReauth = ref(stored?.needsReauth ?? false);
  /**
   * After an offline unlock without a valid token, the password just typed is kept IN MEMORY (never
   * stored) until the server can be reached, and the online login then happens by itself: the worker
   * typed it once, in the stairwell, and should not have to again on the sync page. The sync engine
   * asks for it (`renewLogin`) when the server answers its cycle with 401, and retries with its own
   * backoff while the server is out of reach. A reload, a sign-out or a refused login forgets it;
   * `needsReauth` then asks for the password as before.
   */
  let relogin: { username: string; password: string } | null = null;
  const reloginPending = ref(false);

  const isAuthenticated = computed(() => user.value !== null && expiresAt.value !== null);
  const role = computed<Role | null>(() => me.value?.role ?? user.value?.role ?? null);

  function persist(): void {
    if (expiresAt.value === null || user.value === null) {
      localStorage.removeItem(STORAGE_KEY);
      return;
    }
    const session: StoredSession = {
      token: token.value,
      expiresAt: expiresAt.value,
      user: user.value,
      me: me.value,
      needsReauth: needsReauth.value,
    };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  }

  function clear(): void {
    forgetRelogin();
    token.value = null;
    expiresAt.value = null;
    user.value = null;
    me.value = null;
    needsReauth.value = false;
    persist();
  }

  function start(response: LoginResponse): void {
    forgetRelogin();
    const sameUser = user.value?.id === response.user.id;
    token.value = response.token;
    expiresAt.value = response.expiresAt;
    user.value = response.user;
    if (!sameUser) me.value = null;
    needsReauth.value = false;
    persist();
  }

  /** Refreshes user and scope. A 401 on a local-first device marks re-login; elsewhere it signs out. */
  async function loadMe(): Promise<MeResponse> {
    const current = token.value;
    if (current === null) throw new ApiError('unauthenticated', '请先登录', 401);
    try {
      const response = await fetchMe(current);
      if (token.value !== current) return response; // signed out or switched user meanwhile
      me.value = response;
      user.value = response.user;
      persist();
      updateVerifier(response.user.id, { user: response.user, me: response });
      return response;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && token.value === current) {
        if (isLocalFirstRole(role.value)) markUnauthorized();
        else clear();
      }
      throw error;
    }
  }

  function forgetRelogin(): void {
    relogin = null;
    reloginPending.value = false;
  }

  /**
   * The online login after an offline unlock (see `relogin`), for the sync engine's 401: `renewed`
   * (a new token is in place), `unreachable` (try again later) or `refused` (none waiting, or the
   * server said no: the password was changed, the account disabled — the user signs in by hand).
   */
  async function renewLogin(): Promise<'renewed' | 'unreachable' | 'refused'> {
    const creds = relogin;
    if (creds === null) return 'refused';
    let response: LoginResponse;
    try {
      response = await apiLogin({ username: creds.username, password: creds.password, deviceId: getDeviceId() });
    } catch (error) {
      if (relogin === creds && error instanceof ApiError && error.isNetwork) return 'unreachable';
      if (relogin === creds) forgetRelogin();
      return 'refused';
    }
    // Signed out, or another user signed in, meanwhile: this login is not theirs to use.
    if (relogin !== creds || user.value?.id !== response.user.id) return 'refused';
    start(response);
    await saveVerifier(creds.username, creds.password, { user: response.user, me: me.value, token: response.token, expiresAt: response.expiresAt });
    return 'renewed';
  }

  async function unlockOffline(username: string, password: string): Promise<void> {
    const result = await checkVerifier(username, password);
    if (!result.ok) throw new UnlockError(result.reason);
    const v = result.verifier;
    const now = Date.now();
    const tokenValid = v.token !== null && v.expiresAt !== null && Date.parse(v.expiresAt) > now;
    token.value = tokenValid ? v.token : null;
    expiresAt.value = tokenValid ? v.expiresAt : new Date(now + OFFLINE_UNLOCK_MS).toISOString();
    user.value = v.user;
    me.value = v.me;
    needsReauth.value = !tokenValid;
    persist();
    relogin = tokenValid ? null : { username, password };
    reloginPending.value = !tokenValid;
  }

  /**
   * Online login; when the server cannot be reached, the device's verifier unlocks a field user who
   * has logged in here before. Throws `ApiError` (wrong password, rate limited) or `UnlockError`.
   */
  async function login(username: string, password: string): Promise<'online' | 'offline'> {
    let response: LoginResponse;
    try {
      response = await apiLogin({ username, password, deviceId: getDeviceId() });
    } catch (error) {
      if (error instanceof ApiError && error.isNetwork) {
        await unlockOffline(username, password);
        return 'offline';
      }
      throw error;
    }
    start(response);
    if (isLocalFirstRole(response.user.role)) {
      try {
        await loadMe();
      } catch {
        // The scope arrives later (home page, next login); the verifier is what must not wait.
      }
      await saveVerifier(username, password, { user: user.value ?? response.user, me: me.value, token: response.token, expiresAt: response.expiresAt });
    }
    return 'online';
  }

  /** The server answered 401 to sync or /api/me: keep working locally, ask for an online login. */
  function markUnauthorized(): void {
    if (user.value === null || needsReauth.value) return;
    needsReauth.value = true;
    persist();
  }

  /**
   * Signs out — unless work on this device has not reached the server: then nothing changes and the
   * result says how much and since when. The local database and the verifier stay for a later unlock;
   * the app's local session (auth/useLocalSession.ts) stops syncing and closes the database once the
   * user is gone.
   */
  async function logout(): Promise<SignOutResult> {
    const signedIn = user.value;
    if (signedIn && isLocalFirstRole(signedIn.role) && hasIndexedDb()) {
      const unsent = await unsentSummary(openUserDb(signedIn.id));
      if (unsent.pending > 0) return { ok: false, ...unsent };
    }
    const current = token.value;
    clear();
    if (current === null) return { ok: true };
    try {
      await apiLogout(current);
      // The server ended this token: an offline unlock later must not present it.
      if (signedIn) updateVerifier(signedIn.id, { token: null, expiresAt: null });
    } catch (error) {
      // Offline or already expired: the server session expires by itself.
      if (!(error instanceof ApiError)) throw error;
    }
    return { ok: true };
  }

  return { token, expiresAt, user, me, needsReauth, reloginPending, isAuthenticated, role, login, logout, loadMe, markUnauthorized, renewLogin };
});
