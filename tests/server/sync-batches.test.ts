/**
 * What a push records (SPEC §8): one `sync_batch` row per batch with the seq range it decided, a
 * `mutation_result` row per rejected mutation (with its arguments), one audit row listing every
 * applied mutation — and the pull's lastMutationId derived from the batch rows under the xid horizon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { uuidv7 } from '../../src/domain/ids';
import { SYNC_PUSH_ACTION, type SyncPushAudit } from '../../src/server/audit/log';
import { openDb } from '../../src/server/db/connect';
import { migrate, MIGRATIONS } from '../../src/server/db/migrate';
import { pull } from '../../src/server/sync/pull';
import { push } from '../../src/server/sync/push';
import type { Viewer } from '../../src/server/scope/viewer';
import { backends, useContext } from './harness';
import { mutation, newClientId, pushOk, signedVisit, submit, viewerOf } from './reliability/helpers';

describe.each(backends)('push records on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);

  const visit = (o: Record<string, unknown> = {}) => signedVisit(ctx, worker, { placeId: ctx.county.dataset.places[1]!.id, ...o });
  const batchesOf = async (clientId: string) =>
    (await ctx.db.kysely.selectFrom('sync_batch').selectAll().where('client_id', '=', clientId).orderBy('first_seq').execute()).map((b) => ({
      first: Number(b.first_seq),
      last: Number(b.last_seq),
      applied: b.applied,
      duplicates: b.duplicates,
      rejected: b.rejected,
    }));
  const auditsOf = (clientId: string) =>
    ctx.db.kysely.selectFrom('audit_log').selectAll().where('entity', '=', 'sync_client').where('entity_id', '=', clientId).orderBy('id').execute();

  it('records one batch row, the rejected mutations with their arguments, and one audit row of the applied ones', async () => {
    const clientId = newClientId();
    const [v1, v2] = [await visit(), await visit()];
    const tampered = { ...(await visit()), note: '篡改' };
    const at = (m: { at: string }) => m.at;
    const batch = [submit(1, v1), submit(2, tampered), mutation(3, 'task.start@1', { taskId: 'nope' }), submit(4, v2), submit(5, v1)];
    const res = await pushOk(ctx, worker, clientId, batch);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'rejected', 'applied', 'duplicate']);

    expect(await batchesOf(clientId)).toEqual([{ first: 1, last: 5, applied: 2, duplicates: 1, rejected: 2 }]);
    const rejected = await ctx.db.kysely.selectFrom('mutation_result').selectAll().where('client_id', '=', clientId).orderBy('seq').execute();
    expect(rejected.map((r) => [Number(r.seq), r.name, r.status, r.code])).toEqual([
      [2, 'visit.submit@1', 'rejected', 'hash_mismatch'],
      [3, 'task.start@1', 'rejected', 'invalid_args'],
    ]);
    expect(rejected.map((r) => r.reason)).toEqual([res.results[1]!.reason, res.results[2]!.reason]);
    expect(rejected[0]!.args).toEqual({ visit: tampered });
    expect(rejected[1]!.args).toEqual({ taskId: 'nope' });
    expect(rejected.map((r) => new Date(r.at!).toISOString())).toEqual([at(batch[1]!), at(batch[2]!)]);

    const audits = await auditsOf(clientId);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: SYNC_PUSH_ACTION, user_id: worker.userId, device_id: worker.deviceId });
    expect(audits[0]!.details as unknown as SyncPushAudit).toEqual({
      clientId,
      firstSeq: 1,
      lastSeq: 5,
      mutations: [
        { seq: 1, name: 'visit.submit@1', at: at(batch[0]!), entity: 'visit', id: v1.id },
        { seq: 4, name: 'visit.submit@1', at: at(batch[3]!), entity: 'visit', id: v2.id },
      ],
    });

    // A batch with nothing applied: a batch row and its rejection, no audit row.
    await pushOk(ctx, worker, clientId, [mutation(6, 'visit.teleport@1', {})]);
    expect((await batchesOf(clientId)).at(-1)).toEqual({ first: 6, last: 6, applied: 0, duplicates: 0, rejected: 1 });
    expect(await auditsOf(clientId)).toHaveLength(1);
    // A resend decides nothing: no batch row, no audit row.
    await pushOk(ctx, worker, clientId, batch);
    expect(await batchesOf(clientId)).toHaveLength(2);
    expect(await auditsOf(clientId)).toHaveLength(1);
  });

  it('covers every seq exactly once across batches, whatever was resent or stopped by a gap', async () => {
    const clientId = newClientId();
    const vs = await Promise.all(Array.from({ length: 7 }, () => visit()));
    await pushOk(ctx, worker, clientId, [submit(1, vs[0]!), submit(2, vs[1]!)]);
    await pushOk(ctx, worker, clientId, [submit(2, vs[1]!), submit(3, vs[2]!), submit(4, vs[3]!), submit(6, vs[5]!)]);
    await pushOk(ctx, worker, clientId, [submit(5, vs[4]!), submit(5, vs[4]!), submit(6, vs[5]!), submit(7, vs[6]!)]);
    const batches = await batchesOf(clientId);
    expect(batches.map((b) => [b.first, b.last])).toEqual([[1, 2], [3, 4], [5, 7]]);
    for (const b of batches) expect(b.applied + b.duplicates + b.rejected).toBe(b.last - b.first + 1);
    const audited = (await auditsOf(clientId)).flatMap((a) => (a.details as unknown as SyncPushAudit).mutations.map((m) => m.seq));
    expect(audited).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('pull reports the last mutation of the batches it can see', async () => {
    const viewer = await viewerOf(ctx, worker);
    const clientId = newClientId();
    const empty = await pull(ctx.db.kysely, viewer, { clientId, epoch: null, cursors: {} });
    expect(empty.lastMutationId).toBe(0);
    await push(ctx.db.kysely, viewer, { clientId, mutations: [submit(1, await visit()), mutation(2, 'visit.teleport@1', {})] });
    expect((await pull(ctx.db.kysely, viewer, { clientId, epoch: null, cursors: {} })).lastMutationId).toBe(2);
  });
});

describe.skipIf(!backends.includes('postgres'))('lastMutationId under the xid horizon on postgres', () => {
  const { ctx, sessions: [worker] } = useContext('postgres', ['worker0']);
  let viewer: Viewer;
  let blocker: pg.Client;
  beforeAll(async () => {
    viewer = await viewerOf(ctx, worker);
    const { rows } = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(ctx.db.kysely);
    blocker = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL, options: `-c search_path=${rows[0]!.s}` });
    await blocker.connect();
  });
  afterAll(async () => {
    await blocker.end();
  });

  it('does not count a batch committed above the horizon until its rows can be pulled', async () => {
    const gridKey = `grid:${ctx.county.grids[0]!.id}`;
    const visit = () => signedVisit(ctx, worker, { placeId: ctx.county.dataset.places[1]!.id });
    const clientId = uuidv7();
    /** Every page of a fresh snapshot of the grid: the visit ids and the lastMutationId of each page. */
    const pullAllPages = async () => {
      const ids = new Set<string>();
      const lasts: number[] = [];
      let cursors: Record<string, string | null> = { [gridKey]: null };
      let epoch: string | null = null;
      for (;;) {
        const res = await pull(ctx.db.kysely, viewer, { clientId, epoch, cursors, limit: 5000 });
        for (const c of res.changes) if (c.entity === 'visit') ids.add(c.id);
        lasts.push(res.lastMutationId);
        cursors = res.cursors;
        epoch = res.epoch;
        if (!res.hasMore) return { ids, lasts };
      }
    };
    const first = [await visit(), await visit()];
    const second = [await visit(), await visit()];
    const applied = await push(ctx.db.kysely, viewer, { clientId, mutations: first.map((v, i) => submit(i + 1, v)) });
    expect(applied.results.map((r) => r.status)).toEqual(['applied', 'applied']);

    // A transaction that started before the second batch and is still running holds the horizon down.
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_current_xact_id()');
    try {
      const res = await push(ctx.db.kysely, viewer, { clientId, mutations: second.map((v, i) => submit(i + 3, v)) });
      expect(res).toEqual({ lastMutationId: 4, results: [{ seq: 3, status: 'applied' }, { seq: 4, status: 'applied' }] });
      const held = await pullAllPages();
      expect(first.every((v) => held.ids.has(v.id))).toBe(true);
      expect(second.some((v) => held.ids.has(v.id))).toBe(false);
      // The client must keep seqs 3 and 4 in its outbox: their visits have not reached it yet.
      expect(held.lasts.every((n) => n === 2)).toBe(true);
    } finally {
      await blocker.query('COMMIT');
    }
    const after = await pullAllPages();
    expect([...first, ...second].every((v) => after.ids.has(v.id))).toBe(true);
    expect(after.lasts.at(-1)).toBe(4);
  });
});

describe('migration 3 on pglite', () => {
  it('carries batches recorded per mutation over to sync_batch, one row per client and transaction', async () => {
    const db = await openDb({});
    try {
      const k = db.kysely;
      await migrate(k, MIGRATIONS.filter((m) => m.id < 3));
      const region = uuidv7();
      const user = uuidv7();
      const clientId = uuidv7();
      await k.insertInto('regions').values({ id: region, parent_id: null, level: 'county', name: '县', code: 'M3', boundary: null, county_id: region, township_id: null, grid_id: null }).execute();
      await sql`INSERT INTO users (id, username, display_name, role, region_id, password_hash) VALUES (${user}, 'm3', '迁移', 'county_admin', ${region}, 'x')`.execute(k);
      await k.insertInto('sync_client').values({ client_id: clientId, user_id: user, device_id: 'd', last_mutation_id: 5 }).execute();
      const row = (seq: number, status: string) => ({ client_id: clientId, seq, name: 'visit.submit@1', status, code: null, reason: null, args: null, at: null });
      await k.transaction().execute((trx) => trx.insertInto('mutation_result').values([row(1, 'applied'), row(2, 'rejected'), row(3, 'applied')]).execute());
      await k.transaction().execute((trx) => trx.insertInto('mutation_result').values([row(4, 'applied'), row(5, 'applied')]).execute());
      const xids = await k.selectFrom('mutation_result').select(sql<string>`_xid::text`.as('x')).where('client_id', '=', clientId).orderBy('seq').execute();

      expect((await migrate(k, MIGRATIONS.filter((m) => m.id <= 3))).applied).toEqual(['0003_sync_batches']);
      const batches = await k.selectFrom('sync_batch').select(['first_seq', 'last_seq', 'applied', 'duplicates', 'rejected', sql<string>`_xid::text`.as('x')]).where('client_id', '=', clientId).orderBy('first_seq').execute();
      expect(batches.map((b) => [Number(b.first_seq), Number(b.last_seq), b.applied, b.duplicates, b.rejected, b.x])).toEqual([
        [1, 3, 2, 0, 1, xids[0]!.x],
        [4, 5, 2, 0, 0, xids[3]!.x],
      ]);
    } finally {
      await db.close();
    }
  });
});
