import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/domain/ids';
import { closeAllUserDbs, closeUserDb, GridPatrolDB, openUserDb, userDbName } from '../../../src/client/db/database';

afterEach(() => closeAllUserDbs());

const entry = (n: number) => ({ name: 'task.start@1' as const, args: { n }, at: new Date().toISOString(), keys: [], blobRefs: [], acked: 0 as const });

describe('GridPatrolDB', () => {
  it('opens one database per user, once per process', () => {
    const a = uuidv7();
    const b = uuidv7();
    expect(openUserDb(a)).toBe(openUserDb(a));
    expect(openUserDb(a)).not.toBe(openUserDb(b));
    expect(openUserDb(a).name).toBe(userDbName(a));
    expect(userDbName(a)).toBe(`grid-patrol-${a}`);
  });

  it('generates the client id once and keeps it across reopen', async () => {
    const user = uuidv7();
    const first = await openUserDb(user).clientId();
    expect(await openUserDb(user).clientId()).toBe(first);
    closeUserDb(user);
    expect(await openUserDb(user).clientId()).toBe(first);
    expect(await openUserDb(uuidv7()).clientId()).not.toBe(first);
  });

  it('gives strictly increasing outbox seqs, never reused after deletion and reopen', async () => {
    const user = uuidv7();
    const db = openUserDb(user);
    const seqs = [await db.outbox.add(entry(1)), await db.outbox.add(entry(2)), await db.outbox.add(entry(3))];
    await db.outbox.clear();
    closeUserDb(user);
    const reopened = openUserDb(user);
    expect(reopened).not.toBe(db);
    seqs.push(await reopened.outbox.add(entry(4)));
    // A second connection (another tab) shares the same key generator.
    const otherTab = new GridPatrolDB(user);
    seqs.push(await otherTab.outbox.add(entry(5)));
    seqs.push(await reopened.outbox.add(entry(6)));
    otherTab.close();
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
