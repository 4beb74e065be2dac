/**
 * The signed-in session: token, user and their scope (`/api/me`). Persisted in localStorage so a
 * reload — also offline — stays signed in until the token expires or the server answers 401.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LoginResponse, MeResponse, PublicUser } from '../../domain/api';
import type { Role } from '../../domain/enums';
import { ApiError, fetchMe, login as apiLogin, logout as apiLogout } from '../api';
import { getDeviceId } from '../device';

const STORAGE_KEY = 'grid-patrol.session';

interface StoredSession {
  token: string;
  expiresAt: string;
  user: PublicUser;
  me: MeResponse | null;
}

function readStored(): StoredSession | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.token !== 'string' || typeof parsed.expiresAt !== 'string' || !parsed.user) return null;
    if (Date.parse(parsed.expiresAt) <= Date.now()) return null;
    return { token: parsed.token, expiresAt: parsed.expiresAt, user: parsed.user, me: parsed.me ?? null };
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

  const isAuthenticated = computed(() => token.value !== null && user.value !== null);
  const role = computed<Role | null>(() => me.value?.role ?? user.value?.role ?? null);

  function persist(): void {
    if (token.value === null || expiresAt.value === null || user.value === null) {
      localStorage.removeItem(STORAGE_KEY);
      return;
    }
    const session: StoredSession = { token: token.value, expiresAt: expiresAt.value, user: user.value, me: me.value };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  }

  function clear(): void {
    token.value = null;
    expiresAt.value = null;
    user.value = null;
    me.value = null;
    persist();
  }

  function start(response: LoginResponse): void {
    token.value = response.token;
    expiresAt.value = response.expiresAt;
    user.value = response.user;
    me.value = null;
    persist();
  }

  /** Throws `ApiError` (wrong password, rate limited, offline) and leaves the store signed out. */
  async function login(username: string, password: string): Promise<void> {
    const response = await apiLogin({ username, password, deviceId: getDeviceId() });
    start(response);
  }

  /** Ends the session on the server when reachable; the local session ends either way. */
  async function logout(): Promise<void> {
    const current = token.value;
    clear();
    if (current === null) return;
    try {
      await apiLogout(current);
    } catch (error) {
      // Offline or already expired: the server session expires by itself.
      if (!(error instanceof ApiError)) throw error;
    }
  }

  /** Refreshes user and scope. A 401 means the session is gone: sign out locally, then rethrow. */
  async function loadMe(): Promise<MeResponse> {
    const current = token.value;
    if (current === null) throw new ApiError('unauthenticated', '请先登录', 401);
    try {
      const response = await fetchMe(current);
      if (token.value !== current) return response; // signed out or switched user meanwhile
      me.value = response;
      user.value = response.user;
      persist();
      return response;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && token.value === current) clear();
      throw error;
    }
  }

  return { token, expiresAt, user, me, isAuthenticated, role, login, logout, loadMe };
});
