/**
 * Client side of push reliability (cases 1, 2, 3, 7): the real engine and HTTP transport against the
 * real server, with the network failing at the worst moments. Nothing lost, nothing duplicated, and
 * the device ends equal to the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitVisit, updatePlace } from '../../../src/client/db/repositories';
import { NetworkError } from '../../../src/client/sync/transport';
import type { Mutation } from '../../../src/domain/sync';
import { backends, countIds, lastMutationIdOf } from '../harness';
import { answersOf, expectConverged, expectOnce, startClientWorld, type ClientWorld, type Device, syncedDevice } from './clientHarness';

describe.each(backends)('client push reliability on %s', (backend) => {
  let w: ClientWorld;
  beforeAll(async () => {
    w = await startClientWorld(backend);
  });
  afterAll(() => w.close());

  const ready = (username = 'worker0') => syncedDevice(w, username);
  async function save(d: Device, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await submitVisit(d.db, d.visitDraft())).visit.id);
    return ids;
  }
  const pushes = (d: Device) => d.traffic.filter((t) => t.endpoint === 'push');
  const seqs = (body: unknown) => (body as { mutations: Mutation[] }).mutations.map((m) => m.seq);

  it('1: a push whose response is lost after the commit is resent, answered as duplicates, stored once', async () => {
    const d = await ready();
    const ids = await save(d, 3);
    d.faults.push({ on: 'push', kind: 'after' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    expect(await countIds(w, 'visits', ids)).toBe(3); // the server committed
    expect((await d.db.outbox.toArray()).map((e) => [e.seq, e.acked])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    const result = await d.sync();
    expect(result).toMatchObject({ pushed: 3, rejected: 0 });
    expect(pushes(d).map((t) => seqs(t.body))).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const clientId = await d.db.clientId();
    expectOnce(answersOf(clientId, d), [1, 2, 3]);
    expect([...answersOf(clientId, d).values()]).toEqual([1, 2, 3].map(() => ['applied', 'duplicate']));
    expect(await lastMutationIdOf(w, clientId)).toBe(3);
    expect(await countIds(w, 'visits', ids)).toBe(3);
    await expectConverged(w, d);
  });

  it('2: a reordered batch is applied in seq order; a gap at the start or a hole in the middle is refilled from the server position', async () => {
    const d = await ready();
    const first = await save(d, 1);
    await d.sync(); // the server knows this client from now on
    const ids = [...first, ...(await save(d, 4))]; // seqs 2..5
    d.faults.push({ on: 'push', kind: 'mangle', mangle: (b) => ({ ...b, mutations: [...(b.mutations as Mutation[])].reverse() }) });
    await d.sync();
    expect(seqs(pushes(d).at(-1)!.body)).toEqual([5, 4, 3, 2]);
    const clientId = await d.db.clientId();
    expect(await lastMutationIdOf(w, clientId)).toBe(5);
    expect(pushes(d).at(-1)!.response).toMatchObject({ results: [2, 3, 4, 5].map((seq) => ({ seq, status: 'applied' })) });

    ids.push(...(await save(d, 3))); // seqs 6..8
    // The first mutation goes missing on the way: the server refuses the gap and names seq 6.
    d.faults.push({ on: 'push', kind: 'mangle', mangle: (b) => ({ ...b, mutations: (b.mutations as Mutation[]).slice(1) }) });
    await d.sync();
    const afterGap = pushes(d).slice(-2);
    expect(afterGap.map((t) => [seqs(t.body), t.status])).toEqual([
      [[7, 8], 409],
      [[6, 7, 8], 200],
    ]);

    ids.push(...(await save(d, 3))); // seqs 9..11
    // A hole in the middle: what precedes it commits, the rest is sent again.
    d.faults.push({ on: 'push', kind: 'mangle', mangle: (b) => ({ ...b, mutations: (b.mutations as Mutation[]).filter((m) => m.seq !== 10) }) });
    await d.sync();
    expect(pushes(d).slice(-2).map((t) => [seqs(t.body), t.status])).toEqual([
      [[9, 11], 200],
      [[10, 11], 200],
    ]);
    expectOnce(answersOf(clientId, d), Array.from({ length: 11 }, (_, i) => i + 1));
    expect(await lastMutationIdOf(w, clientId)).toBe(11);
    expect(await countIds(w, 'visits', ids)).toBe(ids.length);
    await expectConverged(w, d);
  });

  it('3: poison mutations are rejected once, recorded on the device with their reason, and do not wedge the queue', async () => {
    const d = await ready();
    const before = await save(d, 1);
    await d.db.outbox.add({ name: 'task.start@1', args: { taskId: 'not-a-uuid', at: new Date().toISOString() }, at: new Date().toISOString(), keys: [], blobRefs: [], acked: 0 });
    await d.db.outbox.add({ name: 'visit.submit@9' as never, args: {}, at: new Date().toISOString(), keys: [], blobRefs: [], acked: 0 });
    // A local edit the server refuses (the worker may not set a building manager): the device must
    // fall back to the server's row, not keep a value the server never accepted.
    const place = w.county.dataset.places.find((p) => p.gridId === w.county.grids[0]!.id && p.managerIds.length === 0)!;
    await updatePlace(d.db, place.id, { managerIds: [w.userId('worker1')] });
    const after = await save(d, 2);
    const result = await d.sync();
    expect(result).toMatchObject({ pushed: 3, rejected: 3 });
    const clientId = await d.db.clientId();
    const answers = answersOf(clientId, d);
    expectOnce(answers, [1, 5, 6]);
    expectOnce(answers, [2, 3, 4], 'rejected');
    const rejections = await d.db.rejections.toArray();
    expect(rejections.map((r) => [r.seq, r.name])).toEqual([
      [2, 'task.start@1'],
      [3, 'visit.submit@9'],
      [4, 'place.update@1'],
    ]);
    expect(await d.db.places.get(place.id)).toMatchObject({ managerIds: [] });
    expect(rejections.every((r) => r.reason.length > 0)).toBe(true);
    expect(await countIds(w, 'visits', [...before, ...after])).toBe(3);
    // Pushed again: nothing is sent twice, nothing is pending.
    expect((await d.sync()).pushed).toBe(0);
    await expectConverged(w, d);
  });

  it('3b: a rejection whose answer was lost is learnt from the resend: reported, and the refused value does not stay', async () => {
    const d = await ready();
    const place = w.county.dataset.places.find((p) => p.gridId === w.county.grids[0]!.id && p.managerIds.length === 0)!;
    await save(d, 1);
    await updatePlace(d.db, place.id, { managerIds: [w.userId('worker1')] });
    await save(d, 1);
    // The server decides the push (applied, rejected, applied) and commits; the answer is lost.
    d.faults.push({ on: 'push', kind: 'after' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    const clientId = await d.db.clientId();
    expect(answersOf(clientId, d).get(2)).toEqual(['rejected']);

    await d.sync();
    // The resend is told the rejection again (not "duplicate"): the device records it and falls back
    // to the server's row instead of showing a refused value as synced.
    expect(answersOf(clientId, d).get(2)).toEqual(['rejected', 'rejected']);
    expect((await d.db.rejections.toArray()).map((r) => [r.seq, r.name])).toEqual([[2, 'place.update@1']]);
    expect(await d.db.places.get(place.id)).toMatchObject({ managerIds: [] });
    await expectConverged(w, d);
  });

  it('7a: a disconnect before, after and in the middle of a push loses and duplicates nothing', async () => {
    const d = await ready('worker1');
    const ids = await save(d, 4);
    d.faults.push({ on: 'push', kind: 'before' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    expect(await countIds(w, 'visits', ids)).toBe(0);
    d.faults.push({ on: 'push', kind: 'midstream' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    expect(await countIds(w, 'visits', ids)).toBe(4);
    expect(await d.db.outbox.where('acked').equals(1).count()).toBe(0);
    ids.push(...(await save(d, 1)));
    d.faults.push({ on: 'push', kind: 'after' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    await d.sync();
    const clientId = await d.db.clientId();
    expectOnce(answersOf(clientId, d), [1, 2, 3, 4, 5]);
    expect(await lastMutationIdOf(w, clientId)).toBe(5);
    expect(await countIds(w, 'visits', ids)).toBe(5);
    await expectConverged(w, d);
  });

  it('7b: a disconnect in the middle of a pull (or its response lost) changes nothing locally; the next pull completes', async () => {
    const d = await w.device('worker1');
    d.faults.push({ on: 'pull', kind: 'midstream' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    expect(await d.db.getMeta('cursors')).toBeUndefined();
    expect(await d.db.places.count()).toBe(0);
    await d.sync();
    const ids = await save(d, 2);
    d.faults.push({ on: 'pull', kind: 'after' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    // Pushed and acknowledged, but not confirmed by a pull: still in the outbox.
    expect((await d.db.outbox.toArray()).map((e) => e.acked)).toEqual([1, 1]);
    d.faults.push({ on: 'pull', kind: 'midstream' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    expect(await d.db.outbox.count()).toBe(2);
    await d.sync();
    expect(await countIds(w, 'visits', ids)).toBe(2);
    await expectConverged(w, d);
  });
});
