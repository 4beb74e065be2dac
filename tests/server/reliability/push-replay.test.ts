/**
 * Rows another transaction writes while a push is under way (PostgreSQL only: it needs a second
 * connection holding them uncommitted). A new client registered meanwhile: the push waits for it and
 * goes on from where that row has the client. A visit stored meanwhile: the push batch's buffered
 * visit INSERT finds it, and the push rolls the segment back and replays it one mutation per
 * savepoint: the concurrent visit is a duplicate, every other mutation is applied exactly once, and
 * the batch goes on after the replay (here the flush runs in mid-batch, before a task start, and the
 * visits after it go the fast way again). The same when the failing chunk is one of several sent while
 * the later visits are decided (a push larger than the pipeline's chunk).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Visit } from '../../../src/domain/entities';
import type { Database } from '../../../src/server/db/schema';
import { insertVisits } from '../../../src/server/sync/visit-insert';
import { backends, countIds, setupContext, type Session, type TestContext } from '../harness';
import { mutation, newClientId, pushOk, signedVisit, submit } from './helpers';

describe.skipIf(!backends.includes('postgres'))('push replay after a concurrent insert, on postgres', () => {
  let ctx: TestContext;
  let worker: Session;
  let workerId: string;
  beforeAll(async () => {
    ctx = await setupContext('postgres');
    worker = await ctx.login('worker0');
    workerId = ctx.county.users.workers[0]!.id;
  });
  afterAll(() => ctx.close());

  /** Resolves once a statement of ours waits for a lock (the push's INSERT behind the held row). */
  async function untilBlocked(insertInto = 'INSERT INTO visits'): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query ILIKE ${`%${insertInto}%`} AND datname = current_database()`.execute(ctx.db.kysely);
      if (rows[0]!.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the push never waited for the concurrent row');
  }

  /**
   * Another transaction that makes `write` and holds it uncommitted (its row locked) until `commit`,
   * which commits and waits for it to end.
   */
  async function holdUncommitted(write: (trx: Kysely<Database>) => Promise<unknown>): Promise<{ commit: () => Promise<void> }> {
    let release!: () => void;
    const held = ctx.db.kysely.transaction().execute(async (trx) => {
      await write(trx);
      await new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return {
      commit: async () => {
        release();
        await held;
      },
    };
  }

  /** Another transaction storing `visit` (at `placeId`) and holding it uncommitted. */
  async function holdVisit(visit: Visit, placeId: string) {
    const keys = await ctx.db.kysely.selectFrom('places').select(['county_id', 'township_id', 'grid_id']).where('id', '=', placeId).executeTakeFirstOrThrow();
    return holdUncommitted((trx) => insertVisits(trx, [{ visit, keys, flags: [], clockOffsetMs: null, receivedAt: new Date() }]));
  }

  /** The batch rows the server recorded for `clientId`, seqs as numbers. */
  async function batchesOf(clientId: string) {
    const rows = await ctx.db.kysely.selectFrom('sync_batch').select(['first_seq', 'last_seq', 'applied', 'duplicates']).where('client_id', '=', clientId).execute();
    return rows.map((b) => ({ ...b, first_seq: Number(b.first_seq), last_seq: Number(b.last_seq) }));
  }

  it('a new client another transaction registers meanwhile: the push waits for it and goes on from its row', async () => {
    const placeId = ctx.county.dataset.places[1]!.id;
    const visits = await Promise.all(Array.from({ length: 2 }, () => signedVisit(ctx, worker, { placeId })));
    const clientId = newClientId();
    const user = await ctx.db.kysely.selectFrom('users').select('id').where('id', '=', workerId).executeTakeFirstOrThrow();
    // The device's earlier push (seq 1) is being committed by another transaction as this one arrives.
    const other = await holdUncommitted((trx) =>
      trx.insertInto('sync_client').values({ client_id: clientId, user_id: user.id, device_id: worker.deviceId, last_mutation_id: 1 }).execute(),
    );
    const pushed = pushOk(ctx, worker, clientId, [submit(1, visits[0]!), submit(2, visits[1]!)]);
    await untilBlocked('into "sync_client"');
    await other.commit();
    // Seq 1 was the other transaction's: a duplicate here, not inserted again; seq 2 is applied.
    expect(await pushed).toEqual({ lastMutationId: 2, results: [{ seq: 1, status: 'duplicate' }, { seq: 2, status: 'applied' }] });
    expect(await countIds(ctx, 'visits', [visits[0]!.id, visits[1]!.id])).toBe(1);
  });

  it('replays the segment slowly: the concurrent visit is a duplicate, the others applied once', async () => {
    const placeId = ctx.county.dataset.places[1]!.id;
    const visits = await Promise.all(Array.from({ length: 5 }, () => signedVisit(ctx, worker, { placeId })));

    // Another transaction stores visit 2 and holds it uncommitted until the push waits for it.
    const other = await holdVisit(visits[1]!, placeId);

    const task = ctx.county.dataset.tasks.find((t) => t.assigneeIds.includes(workerId) && t.status === 'assigned')!;
    const clientId = newClientId();
    const batch = [submit(1, visits[0]!), submit(2, visits[1]!), submit(3, visits[2]!), mutation(4, 'task.start@1', { taskId: task.id, at: new Date().toISOString() }), submit(5, visits[3]!), submit(6, visits[4]!)];
    const pushed = pushOk(ctx, worker, clientId, batch);
    await untilBlocked();
    await other.commit();
    const res = await pushed;

    expect(res).toEqual({
      lastMutationId: 6,
      results: [
        { seq: 1, status: 'applied' },
        { seq: 2, status: 'duplicate' },
        { seq: 3, status: 'applied' },
        { seq: 4, status: 'applied' },
        { seq: 5, status: 'applied' },
        { seq: 6, status: 'applied' },
      ],
    });
    // Every visit stored (once: the id is the table's primary key).
    expect(await countIds(ctx, 'visits', visits.map((v) => v.id))).toBe(visits.length);

    const started = await ctx.db.kysely.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(started.status).toBe('in_progress');
    // The batch is recorded once, as applied work of seqs 1..6.
    expect(await batchesOf(clientId)).toEqual([{ first_seq: 1, last_seq: 6, applied: 5, duplicates: 1 }]);
  });

  it('a chunk of visits written while the later ones are decided meets a concurrent visit: the whole segment is replayed, each visit stored once', async () => {
    const placeId = ctx.county.dataset.places[1]!.id;
    // More visits than one chunk of the pipeline (push.ts, PIPELINE_ROWS): the first chunk, holding the
    // concurrent visit, waits for its lock while the rest are decided and sent behind it.
    const visits = await Promise.all(Array.from({ length: 250 }, () => signedVisit(ctx, worker, { placeId })));
    const concurrent = 40;
    const other = await holdVisit(visits[concurrent]!, placeId);

    const clientId = newClientId();
    const pushed = pushOk(ctx, worker, clientId, visits.map((v, i) => submit(i + 1, v)));
    await untilBlocked();
    await other.commit();
    const res = await pushed;

    expect(res.lastMutationId).toBe(250);
    expect(res.results).toEqual(visits.map((_, i) => ({ seq: i + 1, status: i === concurrent ? 'duplicate' : 'applied' })));
    expect(await countIds(ctx, 'visits', visits.map((v) => v.id))).toBe(visits.length);
    expect(await batchesOf(clientId)).toEqual([{ first_seq: 1, last_seq: 250, applied: 249, duplicates: 1 }]);
  });
});
