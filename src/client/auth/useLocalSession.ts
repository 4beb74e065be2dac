/**
 * Binds the signed-in field user to their local database and the sync engine, for the app's life:
 * after login, unlock or a reload with a stored session, the sync store connects to
 * `openUserDb(user.id)`, asks for persistent storage and checks the quota; on sign-out it
 * disconnects and closes the database (the data stays on the device). A new token for the same user
 * (re-login after a 401) resumes syncing at once.
 */
import { watch } from 'vue';
import { closeUserDb, openUserDb } from '../db/database';
import { getDeviceId } from '../device';
import { useSessionStore } from '../stores/session';
import { useSyncStore } from '../stores/sync';
import { createHttpTransport } from '../sync/transport';
import { hasIndexedDb, isLocalFirstRole } from './localData';

export function useLocalSession(): void {
  const session = useSessionStore();
  const sync = useSyncStore();
  let connectedUserId: string | null = null;

  function connect(userId: string): void {
    connectedUserId = userId;
    sync.connect({
      db: openUserDb(userId),
      transport: createHttpTransport('', () => ({ token: session.token, deviceId: getDeviceId() })),
      onUnauthorized: () => session.markUnauthorized(),
      renewLogin: () => session.renewLogin(),
    });
    void sync.requestPersistence().catch(() => undefined);
    void sync.checkStorage().catch(() => undefined);
  }

  function disconnect(): void {
    if (connectedUserId === null) return;
    sync.disconnect();
    closeUserDb(connectedUserId);
    connectedUserId = null;
  }

  watch(
    () => [session.user?.id ?? null, isLocalFirstRole(session.role), session.token] as const,
    ([userId, localFirst, token], previous) => {
      const wanted = userId !== null && localFirst && hasIndexedDb() ? userId : null;
      if (wanted !== connectedUserId) {
        disconnect();
        if (wanted !== null) connect(wanted);
        return;
      }
      // Same user, new token: an online login after a 401 — send what waited.
      if (wanted !== null && token !== null && previous !== undefined && token !== previous[2]) void sync.syncNow();
    },
    { immediate: true },
  );
}
