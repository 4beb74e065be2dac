import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { URLS } from '../../src/client/api';
import { getDeviceId } from '../../src/client/device';
import { useSessionStore } from '../../src/client/stores/session';
import { headersOf, jsonResponse, loginOf, meOf, storeSession, stubFetch } from './fixtures';

/** A new Pinia is what a page reload gives the store: only localStorage survives. */
function reload() {
  setActivePinia(createPinia());
  return useSessionStore();
}

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('logs in with the device id and restores the token after a reload', async () => {
    const fetchMock = stubFetch(() => jsonResponse(200, loginOf('grid_worker', 'tok-abc')));
    const session = useSessionStore();
    await session.login('grid01', 'secret');

    const body = JSON.parse(fetchMock.mock.calls[0]![1]!.body as string) as Record<string, unknown>;
    expect(body).toEqual({ username: 'grid01', password: 'secret', deviceId: getDeviceId() });
    expect(session.token).toBe('tok-abc');
    expect(session.role).toBe('grid_worker');

    const restored = reload();
    expect(restored.isAuthenticated).toBe(true);
    expect(restored.token).toBe('tok-abc');
    expect(restored.user?.displayName).toBe('李网格');
    expect(localStorage.getItem('grid-patrol.session')).not.toContain('secret');
  });

  it('does not restore an expired session', () => {
    const expired = { ...loginOf('grid_worker'), expiresAt: new Date(Date.now() - 1000).toISOString() };
    localStorage.setItem('grid-patrol.session', JSON.stringify({ ...expired, me: null }));
    expect(reload().isAuthenticated).toBe(false);
    expect(localStorage.getItem('grid-patrol.session')).toBeNull();
  });

  it('keeps the scope from /api/me across reloads', async () => {
    storeSession('township_coordinator');
    stubFetch(() => jsonResponse(200, meOf('township_coordinator')));
    const session = reload();
    await session.loadMe();
    expect(session.me?.region.name).toBe('城关镇');
    expect(reload().me?.regionPath.map((r) => r.name)).toEqual(['示范县', '城关镇']);
  });

  it('clears the session of an online-only role when /api/me answers 401', async () => {
    storeSession('township_coordinator');
    stubFetch(() => jsonResponse(401, { error: { code: 'unauthenticated', message: '登录已过期，请重新登录' } }));
    const session = reload();
    await expect(session.loadMe()).rejects.toMatchObject({ status: 401 });
    expect(session.isAuthenticated).toBe(false);
    expect(reload().isAuthenticated).toBe(false);
  });

  it('keeps a field session on 401 and marks that a re-login is needed', async () => {
    storeSession('grid_worker', true);
    stubFetch(() => jsonResponse(401, { error: { code: 'unauthenticated', message: '登录已过期，请重新登录' } }));
    const session = reload();
    await expect(session.loadMe()).rejects.toMatchObject({ status: 401 });
    expect(session.isAuthenticated).toBe(true);
    expect(session.needsReauth).toBe(true);
    expect(reload().needsReauth).toBe(true);
  });

  it('stays signed in when /api/me is unreachable', async () => {
    storeSession('grid_worker', true);
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const session = reload();
    await expect(session.loadMe()).rejects.toMatchObject({ code: 'offline' });
    expect(session.isAuthenticated).toBe(true);
    expect(session.me?.region.name).toBe('东门第1网格');
  });

  it('logs out on the server with the token and forgets it locally, even offline', async () => {
    storeSession('county_admin');
    const fetchMock = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const session = reload();
    await session.logout();
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(URLS.logout);
    expect(headersOf(init).authorization).toBe('Bearer token-county_admin');
    expect(session.isAuthenticated).toBe(false);
    expect(reload().isAuthenticated).toBe(false);
  });
});
