import 'fake-indexeddb/auto';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { URLS } from '../../../src/client/api';
import { PBKDF2_ITERATIONS, readVerifier } from '../../../src/client/auth/verifier';
import { openUserDb } from '../../../src/client/db/database';
import { startTask } from '../../../src/client/db/repositories';
import { UnlockError, useSessionStore } from '../../../src/client/stores/session';
import { makeTask } from '../../factories';
import { jsonResponse, loginOf, meOf, stubFetch, userOf } from '../fixtures';
import { mountApp } from '../mountApp';
import { dropUserDb } from '../support';

const PASSWORD = 'demo-Pa55word';
const offline = () => stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
const online = () =>
  stubFetch((url) => {
    if (url === URLS.login) return jsonResponse(200, loginOf('grid_worker', 'tok-online'));
    if (url === URLS.me) return jsonResponse(200, meOf('grid_worker'));
    if (url === URLS.logout) return new Response(null, { status: 204 });
    return Promise.reject(new TypeError('Failed to fetch'));
  });

/** A page reload: only localStorage and IndexedDB survive. */
function reload() {
  setActivePinia(createPinia());
  return useSessionStore();
}

async function loginOnlineThenSignOut(): Promise<void> {
  online();
  const session = reload();
  await session.login('grid01', PASSWORD);
  expect(await session.logout()).toEqual({ ok: true });
  vi.unstubAllGlobals();
}

describe('offline unlock', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });
  afterEach(async () => {
    await dropUserDb(userOf('grid_worker').id);
  });

  it('keeps a PBKDF2 verifier after an online login, never the password', async () => {
    online();
    const session = useSessionStore();
    expect(await session.login('grid01', PASSWORD)).toBe('online');
    const verifier = readVerifier('grid01');
    expect(verifier).toMatchObject({ kdf: 'PBKDF2-SHA-256', userId: userOf('grid_worker').id, token: 'tok-online' });
    expect(verifier!.iterations).toBeGreaterThanOrEqual(210_000);
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(210_000);
    expect(verifier!.me?.region.name).toBe('东门第1网格');
    const everything = Object.keys(localStorage).map((k) => localStorage.getItem(k)).join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(btoa(PASSWORD));
  });

  it('unlocks offline with the right password as the same user, with the stored scope', async () => {
    await loginOnlineThenSignOut();
    offline();
    const session = reload();
    expect(session.isAuthenticated).toBe(false);
    expect(await session.login('grid01', PASSWORD)).toBe('offline');
    expect(session.isAuthenticated).toBe(true);
    expect(session.user?.id).toBe(userOf('grid_worker').id);
    expect(session.role).toBe('grid_worker');
    expect(session.me?.region.name).toBe('东门第1网格');
    // The server ended the token at sign-out: the unlocked session works locally and asks for a re-login to sync.
    expect(session.token).toBeNull();
    expect(session.needsReauth).toBe(true);
    expect(reload().isAuthenticated).toBe(true);
  });

  it('logs in online by itself once the server answers, with the password typed at the unlock, never stored', async () => {
    await loginOnlineThenSignOut();
    offline();
    const session = reload();
    expect(await session.login('grid01', PASSWORD)).toBe('offline');
    expect(session.needsReauth).toBe(true);
    expect(session.reloginPending).toBe(true);
    expect(Object.keys(localStorage).map((k) => localStorage.getItem(k)).join('\n')).not.toContain(PASSWORD);

    // The sync engine asks (its cycle got a 401) while the server is still out of reach: it keeps waiting.
    const tries = offline();
    expect(await session.renewLogin()).toBe('unreachable');
    expect(tries.mock.calls.some(([url]) => url === URLS.login)).toBe(true);
    expect(session.reloginPending).toBe(true);
    expect(session.token).toBeNull();

    const fetch = online();
    expect(await session.renewLogin()).toBe('renewed');
    expect(session.token).toBe('tok-online');
    expect(session.needsReauth).toBe(false);
    expect(session.reloginPending).toBe(false);
    const login = fetch.mock.calls.find(([url]) => url === URLS.login)!;
    expect(JSON.parse(login[1]!.body as string)).toMatchObject({ username: 'grid01', password: PASSWORD });
    // The verifier for the next offline unlock holds the new token (written after the key derivation).
    await vi.waitFor(() => expect(readVerifier('grid01')?.token).toBe('tok-online'), { timeout: 10_000 });
  });

  it('after an offline unlock, a refused online login or a sign-out forgets the password: the user signs in by hand', async () => {
    await loginOnlineThenSignOut();
    offline();
    let session = reload();
    await session.login('grid01', PASSWORD);
    // The password was changed on the server meanwhile.
    stubFetch((url) => (url === URLS.login ? jsonResponse(401, { error: { code: 'invalid_credentials', message: '用户名或密码错误' } }) : Promise.reject(new TypeError('Failed to fetch'))));
    expect(await session.renewLogin()).toBe('refused');
    expect(session.reloginPending).toBe(false);
    expect(session.needsReauth).toBe(true);
    expect(session.token).toBeNull();

    offline();
    session = reload();
    await session.login('grid01', PASSWORD);
    expect(session.reloginPending).toBe(true);
    expect(await session.logout()).toEqual({ ok: true });
    const fetch = online();
    expect(await session.renewLogin()).toBe('refused');
    expect(fetch.mock.calls.some(([url]) => url === URLS.login)).toBe(false);
    expect(session.isAuthenticated).toBe(false);
  });

  it('refuses a wrong password offline', async () => {
    await loginOnlineThenSignOut();
    offline();
    const session = reload();
    await expect(session.login('grid01', 'wrong-password')).rejects.toEqual(new UnlockError('wrong_password'));
    expect(session.isAuthenticated).toBe(false);
  });

  it('tells an unknown user that the first login on this device needs the network', async () => {
    offline();
    const { wrapper, router } = await mountApp('/login');
    await wrapper.find('input[name="username"]').setValue('grid02');
    await wrapper.find('input[name="password"]').setValue(PASSWORD);
    await wrapper.find('form').trigger('submit');
    await vi.waitFor(() => expect(wrapper.find('[data-test="login-error"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('首次在本设备登录需要联网');
    expect(router.currentRoute.value.path).toBe('/login');
  });

  it('shows a clear message for a wrong password offline in the login view', async () => {
    await loginOnlineThenSignOut();
    offline();
    const { wrapper } = await mountApp('/login');
    await wrapper.find('input[name="username"]').setValue('grid01');
    await wrapper.find('input[name="password"]').setValue('nope-nope');
    await wrapper.find('form').trigger('submit');
    await vi.waitFor(() => expect(wrapper.find('[data-test="login-error"]').exists()).toBe(true), { timeout: 5000 });
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('密码不正确');
  });
});

describe('sign-out', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });
  afterEach(async () => {
    await dropUserDb(userOf('grid_worker').id);
  });

  it('is refused while work waits in the outbox, and says how much and since when', async () => {
    online();
    const session = useSessionStore();
    await session.login('grid01', PASSWORD);
    const user = userOf('grid_worker');
    const db = openUserDb(user.id);
    const task = makeTask({ townshipId: user.regionId, gridId: user.regionId, assigneeIds: [user.id], placeIds: [user.regionId], createdBy: user.id });
    await db.tasks.put(task);
    await startTask(db, task.id, { now: () => new Date('2025-05-12T02:00:00Z') });

    const result = await session.logout();
    expect(result).toEqual({ ok: false, pending: 1, oldestAt: '2025-05-12T02:00:00.000Z' });
    expect(session.isAuthenticated).toBe(true);
    expect(await db.outbox.count()).toBe(1);

    await db.outbox.clear();
    expect(await session.logout()).toEqual({ ok: true });
    expect(session.isAuthenticated).toBe(false);
    // The local database and the verifier stay for a later unlock.
    expect(readVerifier('grid01')?.token).toBeNull();
    expect(await openUserDb(user.id).tasks.count()).toBe(1);
  });

  it('explains the refusal in the header and offers sync and export', async () => {
    online();
    setActivePinia(createPinia());
    await useSessionStore().login('grid01', PASSWORD);
    const user = userOf('grid_worker');
    const db = openUserDb(user.id);
    const task = makeTask({ townshipId: user.regionId, gridId: user.regionId, assigneeIds: [user.id], placeIds: [user.regionId], createdBy: user.id });
    await db.tasks.put(task);
    await startTask(db, task.id);

    const { wrapper, router } = await mountApp('/field');
    await wrapper.find('[data-test="sign-out"]').trigger('click');
    await vi.waitFor(() => expect(document.body.querySelector('[data-test="sign-out-refused"]')).not.toBeNull());
    await flushPromises();
    const text = document.body.querySelector('[data-test="sign-out-refused-reason"]')!.textContent;
    expect(text).toContain('1 条更改待同步（最早一条保存于不到 1 分钟前）');
    expect(document.body.querySelector('[data-test="sign-out-export"]')).not.toBeNull();
    expect(router.currentRoute.value.path).toBe('/field');
    (document.body.querySelector('[data-test="sign-out-go-sync"]') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/field/sync'));
  });
});
