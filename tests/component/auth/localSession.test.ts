/** The app's local session: signing out ends syncing and closes the user's database (auth/useLocalSession.ts). */
import 'fake-indexeddb/auto';
import { flushPromises } from '@vue/test-utils';
import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { URLS } from '../../../src/client/api';
import { closeAllUserDbs, openUserDb, userDbName } from '../../../src/client/db/database';
import { useSessionStore } from '../../../src/client/stores/session';
import { useSyncStore } from '../../../src/client/stores/sync';
import { jsonResponse, meOf, storeSession, stubFetch, userOf } from '../fixtures';
import { mountApp } from '../mountApp';

const user = userOf('grid_worker');

async function signedInApp() {
  storeSession('grid_worker');
  stubFetch((url) => {
    if (url === URLS.me) return jsonResponse(200, meOf('grid_worker'));
    if (url === URLS.logout) return new Response(null, { status: 204 });
    return Promise.reject(new TypeError('Failed to fetch'));
  });
  const { pinia } = await mountApp('/field');
  const db = openUserDb(user.id);
  await vi.waitFor(() => expect(db.isOpen()).toBe(true));
  const sync = useSyncStore(pinia);
  return { db, sync, session: useSessionStore(pinia), disconnect: vi.spyOn(sync, 'disconnect') };
}

describe('the local session', () => {
  afterEach(async () => {
    closeAllUserDbs();
    await Dexie.delete(userDbName(user.id));
  });

  it('disconnects sync and closes the database once the user has signed out', async () => {
    const { db, session, disconnect } = await signedInApp();
    expect(await session.logout()).toEqual({ ok: true });
    await flushPromises();
    expect(disconnect).toHaveBeenCalledTimes(1);
    expect(db.isOpen()).toBe(false);
  });

  it('leaves both alone when sign-out is refused for unsent work', async () => {
    const { db, session, disconnect } = await signedInApp();
    const entry = { name: 'task.start@1' as const, args: {}, keys: [], blobRefs: [], acked: 0 as const };
    await db.outbox.bulkAdd([
      { ...entry, at: '2025-05-12T02:00:00.000Z' },
      { ...entry, at: '2025-05-12T03:00:00.000Z' },
    ]);
    expect(await session.logout()).toEqual({ ok: false, pending: 2, oldestAt: '2025-05-12T02:00:00.000Z' });
    await flushPromises();
    expect(disconnect).not.toHaveBeenCalled();
    expect(db.isOpen()).toBe(true);
  });
});
