/**
 * The server's epoch changes when the database is restored (SPEC §8): by itself at boot when the
 * database is not the one it was (a restore into another database), and by `new-epoch` after a
 * restore in place. A device's next pull then sees the new epoch and starts over.
 */
import { describe, expect, it } from 'vitest';
import { getMeta, setMeta } from '../../src/server/db/meta';
import { newEpoch, newEpochIfMoved } from '../../src/server/db/epoch';
import type { PullResponse } from '../../src/domain/sync';
import { backends, useContext } from './harness';
import { newClientId } from './reliability/helpers';

describe.each(backends)('the sync epoch on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);
  const epoch = () => getMeta(ctx.db.kysely, 'epoch');
  const pull = async (epochSeen: string | null) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/sync/pull', headers: worker.headers, payload: { clientId: newClientId(), epoch: epochSeen, cursors: {} } });
    expect(res.statusCode).toBe(200);
    return res.json<PullResponse>();
  };

  it('stays while the database is the one it was; changes when the database is another (restored elsewhere)', async () => {
    const first = await epoch();
    // The first boot remembers the database; later boots find it the same.
    expect(await newEpochIfMoved(ctx.db.kysely)).toBeNull();
    expect(await getMeta(ctx.db.kysely, 'database_oid')).toMatch(/^\d+$/);
    expect(await newEpochIfMoved(ctx.db.kysely)).toBeNull();
    expect(await epoch()).toBe(first);

    // A dump of another database restored here brings that database's oid along.
    await setMeta(ctx.db.kysely, 'database_oid', '1');
    const moved = await newEpochIfMoved(ctx.db.kysely);
    expect(moved).toMatch(/^[0-9a-f-]{36}$/);
    expect(moved).not.toBe(first);
    expect(await epoch()).toBe(moved);
    expect(await newEpochIfMoved(ctx.db.kysely)).toBeNull();
    expect((await pull(first!)).epoch).toBe(moved);
  });

  it('changes on demand (new-epoch after a restore in place), and a device pull sees it', async () => {
    const before = await epoch();
    const after = await newEpoch(ctx.db.kysely);
    expect(after).not.toBe(before);
    expect(await epoch()).toBe(after);
    expect((await pull(before!)).epoch).toBe(after);
  });
});
