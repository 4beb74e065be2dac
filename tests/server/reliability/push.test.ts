/**
 * Reliability of push (SPEC §8), on PGlite and PostgreSQL: whatever is resent, reordered, poisoned or
 * interrupted, every mutation takes effect exactly once and the queue never wedges.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { z } from 'zod';
import { MUTATIONS } from '../../../src/server/sync/mutations';
import { push } from '../../../src/server/sync/push';
import { AppError } from '../../../src/server/errors';
import type { Visit } from '../../../src/domain/entities';
import { backends, countIds, lastMutationIdOf, useContext } from '../harness';
import { mutation, newClientId, pushOk, pushRaw, signedVisit, submit, viewerOf } from './helpers';

describe.each(backends)('push reliability on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);

  const visits = (n: number) => Promise.all(Array.from({ length: n }, () => signedVisit(ctx, worker, { placeId: ctx.county.dataset.places[1]!.id })));
  const stored = (vs: Visit[]) => countIds(ctx, 'visits', vs.map((v) => v.id));

  it('1: the same batch pushed twice (response lost after commit) is answered with duplicates, one row each', async () => {
    const clientId = newClientId();
    const vs = await visits(5);
    const batch = vs.map((v, i) => submit(i + 1, v));
    const first = await pushOk(ctx, worker, clientId, batch);
    expect(first.results).toEqual(batch.map((m) => ({ seq: m.seq, status: 'applied' })));
    const second = await pushOk(ctx, worker, clientId, batch);
    expect(second).toEqual({ lastMutationId: 5, results: batch.map((m) => ({ seq: m.seq, status: 'duplicate' })) });
    expect(await stored(vs)).toBe(5);
    // Recorded once: one batch row for seqs 1..5; the resend added no record and no audit entry.
    const batches = await ctx.db.kysely.selectFrom('sync_batch').selectAll().where('client_id', '=', clientId).execute();
    expect(batches.map((b) => [Number(b.first_seq), Number(b.last_seq), b.applied, b.duplicates, b.rejected])).toEqual([[1, 5, 5, 0, 0]]);
    const results = await ctx.db.kysely.selectFrom('mutation_result').select('seq').where('client_id', '=', clientId).execute();
    expect(results.length).toBe(0);
    const audits = await ctx.db.kysely.selectFrom('audit_log').select('details').where('entity', '=', 'sync_client').where('entity_id', '=', clientId).execute();
    expect(audits.map((a) => (a.details as { mutations: { seq: number; id: string }[] }).mutations.map((m) => [m.seq, m.id]))).toEqual([vs.map((v, i) => [i + 1, v.id])]);
  });

  it('2: a gap is refused with where to resume; resending from there works; a reordered batch is applied in seq order', async () => {
    const clientId = newClientId();
    const vs = await visits(6);
    const later = [submit(4, vs[3]!), submit(5, vs[4]!)];
    // A reordered first batch is applied in seq order and makes the client known to the server.
    const reordered = await pushOk(ctx, worker, clientId, [submit(2, vs[1]!), submit(1, vs[0]!)]);
    expect(reordered.results.map((r) => [r.seq, r.status])).toEqual([[1, 'applied'], [2, 'applied']]);
    const gap = await pushRaw(ctx, worker, clientId, later);
    expect(gap.statusCode).toBe(409);
    expect(gap.json()).toMatchObject({ error: { code: 'mutation_gap', details: { expected: 3 } } });
    expect(await stored(vs)).toBe(2);
    const resent = await pushOk(ctx, worker, clientId, [submit(3, vs[2]!)]);
    expect(resent.lastMutationId).toBe(3);
    // A batch with a hole in the middle: what precedes the hole commits, the rest is resent.
    const holed = await pushOk(ctx, worker, clientId, [...later, submit(7, vs[5]!)]);
    expect(holed.lastMutationId).toBe(5);
    expect(holed.results.map((r) => r.seq)).toEqual([4, 5]);
    const resumed = await pushOk(ctx, worker, clientId, [submit(6, vs[5]!)]);
    expect(resumed.lastMutationId).toBe(6);
    expect(await stored(vs)).toBe(6);
  });

  it('3: a poison mutation in the middle is rejected once and does not wedge the queue', async () => {
    const clientId = newClientId();
    const vs = await visits(4);
    const poison = { ...vs[1]!, note: '篡改' };
    const batch = [submit(1, vs[0]!), submit(2, poison), mutation(3, 'task.start@1', { taskId: 'not-a-uuid' }), submit(4, vs[2]!), submit(5, vs[3]!)];
    const res = await pushOk(ctx, worker, clientId, batch);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'rejected', 'applied', 'applied']);
    expect(res.lastMutationId).toBe(5);
    // Resent (the answer was lost): the applied ones are duplicates, the rejected ones are told their
    // rejection again — taken for success, the device would keep a change the server refused.
    const again = await pushOk(ctx, worker, clientId, batch);
    expect(again).toEqual({ lastMutationId: 5, results: res.results.map((r) => (r.status === 'rejected' ? r : { seq: r.seq, status: 'duplicate' })) });
    expect(again.results[1]).toMatchObject({ status: 'rejected', code: 'hash_mismatch' });
    expect(await stored(vs)).toBe(3);
    // The resend recorded nothing: still one batch row and the two rejections.
    expect(await ctx.db.kysely.selectFrom('sync_batch').select('first_seq').where('client_id', '=', clientId).execute()).toHaveLength(1);
    expect((await ctx.db.kysely.selectFrom('mutation_result').select('seq').where('client_id', '=', clientId).orderBy('seq').execute()).map((r) => Number(r.seq))).toEqual([2, 3]);
    // A resend together with new work: the rejection again, the new mutation applied.
    const more = await pushOk(ctx, worker, clientId, [batch[1]!, submit(6, (await visits(1))[0]!)]);
    expect(more.lastMutationId).toBe(6);
    expect(more.results.map((r) => [r.seq, r.status])).toEqual([[2, 'rejected'], [6, 'applied']]);
    expect((await ctx.db.kysely.selectFrom('mutation_result').select('seq').where('client_id', '=', clientId).execute()).length).toBe(2);
  });

  it('4: the database failing mid-push advances nothing past the failure; the retry applies everything once', async () => {
    let failing = true;
    const flaky = {
      name: 'test.flaky@1',
      args: z.strictObject({ n: z.number() }),
      async handle(c: { trx: typeof ctx.db.kysely }) {
        // A real statement first, so the failure lands inside the mutation's savepoint.
        await sql`SELECT 1`.execute(c.trx);
        if (failing) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        return { entity: 'test', entityId: undefined };
      },
    };
    const registry = MUTATIONS.with(flaky);
    const viewer = await viewerOf(ctx, worker);
    const clientId = newClientId();
    const vs = await visits(3);
    const batch = [submit(1, vs[0]!), mutation(2, 'test.flaky@1', { n: 1 }), submit(3, vs[1]!), submit(4, vs[2]!)];

    const partial = await push(ctx.db.kysely, viewer, { clientId, mutations: batch }, { registry });
    expect(partial).toEqual({ lastMutationId: 1, results: [{ seq: 1, status: 'applied' }] });
    expect(await stored(vs)).toBe(1);

    // Nothing applicable before the failure: 503, nothing written.
    const records = async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT (SELECT count(*) FROM mutation_result) + (SELECT count(*) FROM sync_batch) + (SELECT count(*) FROM audit_log) AS n`.execute(ctx.db.kysely);
      return Number(rows[0]!.n);
    };
    const before = await records();
    const err = await push(ctx.db.kysely, viewer, { clientId, mutations: batch.slice(1) }, { registry }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(503);
    expect(await lastMutationIdOf(ctx, clientId)).toBe(1);
    expect(await records()).toBe(before);

    failing = false;
    const retry = await push(ctx.db.kysely, viewer, { clientId, mutations: batch }, { registry });
    expect(retry.results.map((r) => r.status)).toEqual(['duplicate', 'applied', 'applied', 'applied']);
    expect(await stored(vs)).toBe(3);
    expect(await lastMutationIdOf(ctx, clientId)).toBe(4);
  });

  it('4b: an unexpected failure of the batched insert falls back to one savepoint per mutation, same outcome', async () => {
    const clientId = newClientId();
    const vs = await visits(3);
    // Another client stores vs[1] between this batch's prefetch and its insert: simulated by a
    // mutation that inserts it itself in the middle of the batch.
    const sneak = {
      name: 'test.sneak@1',
      args: z.strictObject({}),
      async handle(c: { trx: typeof ctx.db.kysely }) {
        const { visitToRow } = await import('../../../src/server/visits/rows');
        const g = ctx.county.grids[0]!;
        await c.trx.insertInto('visits').values(visitToRow(vs[1]!, { county_id: ctx.county.county.id, township_id: ctx.county.townships[0]!.id, grid_id: g.id })).execute();
        return {};
      },
    };
    const viewer = await viewerOf(ctx, worker);
    const res = await push(ctx.db.kysely, viewer, { clientId, mutations: [submit(1, vs[0]!), mutation(2, 'test.sneak@1', {}), submit(3, vs[1]!), submit(4, vs[2]!)] }, { registry: MUTATIONS.with(sneak) });
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied', 'duplicate', 'applied']);
    expect(await stored(vs)).toBe(3);
  });

  it('15b: an old mutation version stays accepted next to a newer one', async () => {
    const v2 = { ...MUTATIONS.get('visit.submit@1')!, name: 'visit.submit@2' };
    const registry = MUTATIONS.with(v2);
    const viewer = await viewerOf(ctx, worker);
    const vs = await visits(2);
    const res = await push(ctx.db.kysely, viewer, { clientId: newClientId(), mutations: [submit(1, vs[0]!), mutation(2, 'visit.submit@2', { visit: vs[1]! })] }, { registry });
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied']);
  });
});
