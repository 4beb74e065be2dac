/** Waiting for IndexedDB and Vue to catch up, and an empty device: shared by the component tests. */
import { flushPromises } from '@vue/test-utils';
import Dexie from 'dexie';
import { closeAllUserDbs, userDbName } from '../../src/client/db/database';

/**
 * Lets IndexedDB (fake-indexeddb, real timers), live queries, lazy routes and Vue catch up until
 * `cond` holds; patient by time, not by count, for a loaded CI machine. Throws naming `what` when it
 * never holds.
 */
export async function settle(cond: () => boolean | Promise<boolean> = () => true, what = 'condition', timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await flushPromises();
    await new Promise((r) => setTimeout(r, 2));
    if (await cond()) {
      await flushPromises();
      return;
    }
  }
  throw new Error(`settle: ${what} never held`);
}

/** Closes the page's user databases and deletes `userId`'s: the next test starts from an empty device. */
export async function dropUserDb(userId: string): Promise<void> {
  closeAllUserDbs();
  await Dexie.delete(userDbName(userId));
}
