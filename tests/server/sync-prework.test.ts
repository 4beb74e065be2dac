/**
 * The prework of large pushes in a worker thread (src/server/sync/prework.ts): the worker's work is
 * the very work the push would do itself, it is used only where it fits, and a push decides the same
 * with it, without it, with a mismatched one, and when the worker fails.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Visit } from '../../src/domain/entities';
import type { Mutation } from '../../src/domain/sync';
import { pushRequestSchema } from '../../src/domain/sync';
import { MUTATIONS } from '../../src/server/sync/mutations';
import { visitPrework, visitWork } from '../../src/server/sync/mutations/visit-common';
import { PREWORK_MIN_BYTES, PreworkPool, preworkChunks, type PreworkJob } from '../../src/server/sync/prework';
import { inSeqOrder, push } from '../../src/server/sync/push';
import { backends, countIds, useContext } from './harness';
import { mutation, newClientId, pushOk, signedVisit, submit, viewerOf } from './reliability/helpers';

const bodyOf = (clientId: string, mutations: Mutation[]) => JSON.stringify({ clientId, mutations });
const bytesOf = (body: string) => Buffer.from(body);

/** All the works a job sends, in order, until it has none for `index`. */
async function worksOf(job: PreworkJob, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(await job.at(i));
  return out;
}

describe.each(backends)('push prework on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);
  const pools: PreworkPool[] = [];
  const pool = (opts: ConstructorParameters<typeof PreworkPool>[0] = {}) => {
    const p = new PreworkPool({ minBytes: 0, ...opts });
    pools.push(p);
    return p;
  };
  afterAll(async () => {
    for (const p of pools) await p.close();
  });

  const visits = (n: number, o: Partial<Visit> = {}) => Promise.all(Array.from({ length: n }, () => signedVisit(ctx, worker, { placeId: ctx.county.dataset.places[1]!.id, ...o })));

  /** Visits (one tampered with after signing, one with a NUL in its note), bad arguments and another mutation, sent out of seq order. */
  async function mixedBatch(): Promise<{ batch: Mutation[]; vs: Visit[] }> {
    const vs = await visits(5);
    vs[1] = { ...vs[1]!, note: '签名后被改动' };
    vs[3] = (await visits(1, { note: 'a\u0000b' }))[0]!;
    const batch = [submit(1, vs[0]!), submit(2, vs[1]), mutation(3, 'visit.submit@1', { visit: { id: 'x' } }), mutation(4, 'task.start@1', { taskId: 'not-a-uuid' }), submit(5, vs[2]!), submit(6, vs[3]), submit(7, vs[4]!)];
    return { batch: [...batch].reverse(), vs };
  }

  it('works out, chunk by chunk in seq order (the first one smaller), what the push would itself: null where there is none', async () => {
    const { batch } = await mixedBatch();
    const body = bodyOf(newClientId(), batch);
    const chunks = [...preworkChunks(body, MUTATIONS, 3, 2)];
    expect(chunks.map((c) => c.length)).toEqual([2, 3, 2]);
    const req = pushRequestSchema.parse(JSON.parse(body));
    const expected = inSeqOrder(req).map((m) => (m.seq === 3 || m.seq === 4 ? null : visitWork((MUTATIONS.get(m.name)!.args.parse(m.args) as { visit: Visit }).visit)));
    expect(chunks.flat()).toEqual(expected);
    // The tampered visit's work carries the hash of what arrived, the NUL visit says so.
    const works = chunks.flat() as (ReturnType<typeof visitWork> | null)[];
    expect(works[1]!.hash).not.toBe(works[1]!.claimed);
    expect(works.map((w) => w?.nul ?? null)).toEqual([false, false, null, null, false, true, false]);
    expect([...preworkChunks('{"clientId":', MUTATIONS)]).toEqual([]);
    expect([...preworkChunks(JSON.stringify({ clientId: 'nope', mutations: batch }), MUTATIONS)]).toEqual([]);
  });

  it('the worker thread sends the same works; a small body, or one while it is busy, is left to the push', async () => {
    const { batch } = await mixedBatch();
    const body = bodyOf(newClientId(), batch);
    const p = pool();
    const job = p.start(bytesOf(body))!;
    expect(job).toBeDefined();
    expect(p.start(bytesOf(body))).toBeUndefined();
    expect(await worksOf(job, batch.length + 1)).toEqual([...[...preworkChunks(body, MUTATIONS)].flat().map((w) => w ?? undefined), undefined]);
    // Finished: any index answers without waiting.
    expect(job.ready(batch.length + 5)).toBe(true);
    // Free again once its last chunk came.
    const again = p.start(bytesOf(body));
    expect(again).toBeDefined();
    const first = (batch.find((m) => m.seq === 1)!.args as { visit: Visit }).visit;
    const sent = await again!.at(0);
    expect(sent).toEqual(visitWork(first));
    // The push takes it for this visit only.
    expect(visitPrework.fits(sent, { visit: first })).toBe(true);
    expect(visitPrework.fits(sent, { visit: (batch.find((m) => m.seq === 5)!.args as { visit: Visit }).visit })).toBe(false);
    expect(visitPrework.fits(sent, { visit: { ...first, hash: 'f'.repeat(64) } })).toBe(false);
    expect(new PreworkPool().start(bytesOf(body))).toBeUndefined();
    expect(bytesOf(body).byteLength).toBeLessThan(PREWORK_MIN_BYTES);
  });

  it('a push decides the same with the worker, with a mismatched job, and when the worker fails', async () => {
    const viewer = await viewerOf(ctx, worker);
    let failures = 0;
    const broken = pool({ entry: new URL('./no-such-prework-worker.mjs', import.meta.url), onError: () => failures++ });
    const other = await mixedBatch();
    const otherJob = pool().start(bytesOf(bodyOf(newClientId(), other.batch)));
    const outcomes = [];
    for (const jobOf of [(body: string) => pool().start(bytesOf(body)), () => otherJob, (body: string) => broken.start(bytesOf(body)), () => undefined]) {
      const { batch, vs } = await mixedBatch();
      const clientId = newClientId();
      const body = bodyOf(clientId, batch);
      const res = await push(ctx.db.kysely, viewer, pushRequestSchema.parse(JSON.parse(body)), { prework: jobOf(body) });
      expect(await countIds(ctx, 'visits', vs.map((v) => v.id))).toBe(3);
      const stored = await ctx.db.kysely.selectFrom('visits').select(['id', 'doc']).where('id', 'in', [vs[0]!.id, vs[2]!.id, vs[4]!.id]).execute();
      for (const row of stored) expect(row.doc).toEqual(vs.find((v) => v.id === row.id));
      outcomes.push(res.results.map((r) => [r.seq, r.status, r.code ?? null, r.reason ?? null]));
    }
    expect(outcomes[0]!.map((o) => o.slice(0, 3))).toEqual([
      [1, 'applied', null],
      [2, 'rejected', 'hash_mismatch'],
      [3, 'rejected', 'invalid_args'],
      [4, 'rejected', 'invalid_args'],
      [5, 'applied', null],
      [6, 'rejected', 'invalid_text'],
      [7, 'applied', null],
    ]);
    // The same reasons too: a visit the worker did not vouch for is checked here, as without a worker.
    for (const o of outcomes.slice(1)) expect(o).toEqual(outcomes[0]);
    expect(failures).toBe(1);
    expect(broken.start(bytesOf('{}'))).toBeUndefined();
  });

  it('visits the worker did not vouch for are checked by the push: ill-formed ids and parts do not upset its read-ahead', async () => {
    const viewer = await viewerOf(ctx, worker);
    const outcomes = [];
    for (const withWorker of [true, false]) {
      const vs = await visits(4);
      const bad: unknown[] = [
        { ...vs[1]!, placeId: 'not-a-place' },
        { ...vs[2]!, answers: 5, findings: null },
        { ...vs[3]!, answers: [{ itemCode: 'A1', value: true, evidence: ['not-a-hash', 7] }] },
        null,
      ];
      const batch = [submit(1, vs[0]!), ...bad.map((visit, i) => mutation(i + 2, 'visit.submit@1', { visit })), mutation(6, 'visit.submit@1', 'no visit')];
      const clientId = newClientId();
      const body = bodyOf(clientId, batch);
      const res = await push(ctx.db.kysely, viewer, pushRequestSchema.parse(JSON.parse(body)), { prework: withWorker ? pool().start(bytesOf(body)) : undefined });
      expect(res.lastMutationId).toBe(6);
      expect(await countIds(ctx, 'visits', vs.map((v) => v.id))).toBe(1);
      outcomes.push(res.results.map((r) => [r.seq, r.status, r.code ?? null, r.reason ?? null]));
    }
    expect(outcomes[0]!.map((o) => o.slice(0, 3))).toEqual([
      [1, 'applied', null],
      ...[2, 3, 4, 5, 6].map((seq) => [seq, 'rejected', 'invalid_args']),
    ]);
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('a push large enough for the worker, over HTTP, is stored exactly once', async () => {
    const vs = await visits(160);
    const batch = vs.map((v, i) => submit(i + 1, v));
    const clientId = newClientId();
    expect(bytesOf(bodyOf(clientId, batch)).byteLength).toBeGreaterThan(PREWORK_MIN_BYTES);
    const res = await pushOk(ctx, worker, clientId, batch);
    expect(res).toEqual({ lastMutationId: 160, results: batch.map((m) => ({ seq: m.seq, status: 'applied' })) });
    expect(await countIds(ctx, 'visits', vs.map((v) => v.id))).toBe(160);
    expect((await pushOk(ctx, worker, clientId, batch)).results.every((r) => r.status === 'duplicate')).toBe(true);
    expect(await countIds(ctx, 'visits', vs.map((v) => v.id))).toBe(160);
  });
});
