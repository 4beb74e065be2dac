/**
 * Group commit (src/server/sync/push-group.ts), on PGlite and PostgreSQL: pushes of different devices
 * decided in one transaction get exactly what each would get alone — applied, duplicate, rejected,
 * the gap, the refusal of another user's client id — and a group that cannot go together falls back
 * to one push at a time with the same outcome. The queue forms groups from the pushes waiting.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql } from 'kysely';
import type { Visit } from '../../../src/domain/entities';
import type { Mutation, PushResponse } from '../../../src/domain/sync';
import { AppError } from '../../../src/server/errors';
import { MUTATIONS } from '../../../src/server/sync/mutations';
import { push, type PushItem } from '../../../src/server/sync/push';
import { PushQueue, pushGroup, type PushSettled } from '../../../src/server/sync/push-group';
import type { MutationContext } from '../../../src/server/sync/registry';
import type { Viewer } from '../../../src/server/scope/viewer';
import { backends, countIds, lastMutationIdOf, useContext, type Session } from '../harness';
import { taskToRow } from '../../../src/server/tasks/rows';
import { makeTask } from '../../factories';
import { mutation, newClientId, signedVisit, submit, viewerOf } from './helpers';

describe.each(backends)('group commit of pushes on %s', (backend) => {
  const { ctx, sessions } = useContext(backend, ['worker0', 'worker1', 'worker2', 'worker3', 'worker0']);
  const [w0, w1, w2, w3, w0b] = sessions;

  /** `n` signed visits by `s` at a place of their grid (worker i's grid holds places 3i..3i+2). */
  const visitsBy = (s: Session, grid: number, n: number) =>
    Promise.all(Array.from({ length: n }, () => signedVisit(ctx, s, { placeId: ctx.county.dataset.places[grid * 3 + 1]!.id })));
  const item = async (s: Session, clientId: string, mutations: Mutation[]): Promise<PushItem> => ({
    viewer: await viewerOf(ctx, s),
    req: { clientId, mutations },
    receivedAt: new Date(),
  });
  const value = (s: PushSettled | undefined): PushResponse => {
    if (!s?.ok) throw new Error(`expected a response, got ${String(s?.ok === false ? s.error : s)}`);
    return s.value;
  };
  const error = (s: PushSettled | undefined): AppError => {
    if (s?.ok !== false) throw new Error('expected an error');
    expect(s.error).toBeInstanceOf(AppError);
    return s.error as AppError;
  };
  const xidsOf = async (clientIds: string[]) => {
    const rows = await sql<{ client_id: string; xid: string }>`
      SELECT client_id, _xid::text AS xid FROM sync_batch WHERE client_id = ANY(${clientIds}::uuid[])`.execute(ctx.db.kysely);
    return rows.rows;
  };

  it('decides every push as it would be decided alone, in one transaction', async () => {
    const [a, b, c, d] = [newClientId(), newClientId(), newClientId(), newClientId()];
    const va = await visitsBy(w0, 0, 3);
    const vb = await visitsBy(w1, 1, 4);
    const vc = await visitsBy(w0b, 0, 3);
    const vd = await visitsBy(w2, 2, 1);
    const task = ctx.county.dataset.tasks.find((t) => t.assigneeIds.includes(w2.userId) && t.status === 'assigned')!;
    // Before the group: client b has pushed seqs 1–2, client c seq 1.
    const alone = async (s: Session, clientId: string, ms: Mutation[]) => push(ctx.db.kysely, await viewerOf(ctx, s), { clientId, mutations: ms });
    await alone(w1, b, [submit(1, vb[0]!), submit(2, vb[1]!)]);
    await alone(w0b, c, [submit(1, vc[0]!)]);

    const poison: Visit = { ...va[1]!, note: '篡改' };
    const items = [
      // a: new client; its second visit does not match its hash.
      await item(w0, a, [submit(1, va[0]!), submit(2, poison), submit(3, va[2]!)]),
      // b: resends 1–2 (response lost) with a new 3; and pushes again (4) in the same group.
      await item(w1, b, [submit(1, vb[0]!), submit(2, vb[1]!), submit(3, vb[2]!)]),
      // c: skips seq 2.
      await item(w0b, c, [submit(3, vc[2]!)]),
      // d: a task start writes directly, so this push runs on its own inside the group.
      await item(w2, d, [mutation(1, 'task.start@1', { taskId: task.id, at: new Date().toISOString() }), submit(2, vd[0]!)]),
      await item(w1, b, [submit(4, vb[3]!)]),
      // Another user pushing with a's client id.
      await item(w3, a, [submit(4, (await visitsBy(w3, 3, 1))[0]!)]),
    ];
    const settled = await pushGroup(ctx.db.kysely, items);

    expect(value(settled[0])).toEqual({
      lastMutationId: 3,
      results: [
        { seq: 1, status: 'applied' },
        { seq: 2, status: 'rejected', code: 'hash_mismatch', reason: expect.any(String) as string },
        { seq: 3, status: 'applied' },
      ],
    });
    expect(value(settled[1])).toEqual({
      lastMutationId: 3,
      results: [
        { seq: 1, status: 'duplicate' },
        { seq: 2, status: 'duplicate' },
        { seq: 3, status: 'applied' },
      ],
    });
    expect(error(settled[2])).toMatchObject({ code: 'mutation_gap', status: 409, details: { expected: 2 } });
    expect(value(settled[3]).results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(value(settled[4])).toEqual({ lastMutationId: 4, results: [{ seq: 4, status: 'applied' }] });
    expect(error(settled[5])).toMatchObject({ code: 'forbidden', status: 403 });

    // Every visit once, the poisoned one not at all; the task started; each client where its pushes left it.
    expect(await countIds(ctx, 'visits', [va[0]!.id, va[2]!.id, ...vb.map((v) => v.id), vc[0]!.id, vd[0]!.id])).toBe(8);
    expect(await countIds(ctx, 'visits', [va[1]!.id, vc[2]!.id])).toBe(0);
    const started = await ctx.db.kysely.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(started.status).toBe('in_progress');
    expect([await lastMutationIdOf(ctx, a), await lastMutationIdOf(ctx, b), await lastMutationIdOf(ctx, c), await lastMutationIdOf(ctx, d)]).toEqual([3, 4, 1, 2]);

    // Each push that advanced its client left its batch row, audit row and rejections, all written
    // by the one group transaction.
    const batches = await ctx.db.kysely
      .selectFrom('sync_batch')
      .select(['client_id', 'first_seq', 'last_seq', 'applied', 'duplicates', 'rejected', sql<string>`_xid::text`.as('xid')])
      .where('client_id', 'in', [a, b, d])
      .execute();
    const groupBatches = batches.filter((r) => !(r.client_id === b && Number(r.last_seq) === 2));
    expect(groupBatches.map((r) => [r.client_id, Number(r.first_seq), Number(r.last_seq), r.applied, r.rejected]).sort()).toEqual(
      [
        [a, 1, 3, 2, 1],
        [b, 3, 3, 1, 0],
        [b, 4, 4, 1, 0],
        [d, 1, 2, 2, 0],
      ].sort(),
    );
    expect(new Set(groupBatches.map((r) => r.xid)).size).toBe(1);
    const rejected = await ctx.db.kysely.selectFrom('mutation_result').select(['seq', 'code']).where('client_id', '=', a).execute();
    expect(rejected.map((r) => [Number(r.seq), r.code])).toEqual([[2, 'hash_mismatch']]);
    const audits = await ctx.db.kysely.selectFrom('audit_log').select('entity_id').where('entity', '=', 'sync_client').where('entity_id', 'in', [a, b, c, d]).execute();
    expect(audits.map((r) => r.entity_id).sort()).toEqual([a, b, b, b, c, d].sort());
  });

  it.each([
    ['the whole group', false],
    ['a run beside a push on its own', true],
  ])('falls back to one push at a time when the pushes cannot go together (%s), with the same outcome', async (_, withOther) => {
    // A read that fails once (as a concurrent change can make it): the run's writes are rolled back —
    // the whole transaction when the run was the whole group, which is tried again; else to the run's
    // savepoint — and each of its pushes is decided alone, where it succeeds.
    let failures = 1;
    const glitch = {
      ...MUTATIONS.get('visit.submit@1')!,
      name: 'test.glitchy-visit@1',
      async handle(c: MutationContext, args: unknown, work: unknown) {
        if (failures-- > 0) throw new Error('could not serialize access due to concurrent update');
        return MUTATIONS.get('visit.submit@1')!.handle(c, args, work);
      },
    };
    const registry = MUTATIONS.with(glitch);
    const [a, b, other] = [newClientId(), newClientId(), newClientId()];
    const va = await visitsBy(w0, 0, 2);
    const vb = await visitsBy(w1, 1, 2);
    const items = [await item(w0, a, [submit(1, va[0]!), mutation(2, 'test.glitchy-visit@1', { visit: va[1]! })]), await item(w1, b, vb.map((v, i) => submit(i + 1, v)))];
    // A task start writes directly: its push runs on its own, after the run.
    if (withOther) {
      const mine = ctx.county.dataset.tasks.filter((t) => t.assigneeIds.includes(w2.userId)).map((t) => t.id);
      const task = await ctx.db.kysely.selectFrom('tasks').select('id').where('id', 'in', mine).where('status', '=', 'assigned').executeTakeFirstOrThrow();
      items.push(await item(w2, other, [mutation(1, 'task.start@1', { taskId: task.id, at: new Date().toISOString() })]));
    }
    const settled = await pushGroup(ctx.db.kysely, items, registry);
    expect(settled.map((s) => value(s).results.map((r) => r.status))).toEqual([['applied', 'applied'], ['applied', 'applied'], ...(withOther ? [['applied']] : [])]);
    expect(await countIds(ctx, 'visits', [...va, ...vb].map((v) => v.id))).toBe(4);
    expect([await lastMutationIdOf(ctx, a), await lastMutationIdOf(ctx, b)]).toEqual([2, 2]);
    // Decided alone: one batch row each, all in one transaction.
    const rows = await xidsOf(withOther ? [a, b, other] : [a, b]);
    expect(rows.length).toBe(withOther ? 3 : 2);
    expect(new Set(rows.map((r) => r.xid)).size).toBe(1);
  });

  it('the queue runs a push at once when it can and groups the pushes that wait, within the mutation limit', async () => {
    const queue = new PushQueue(ctx.db.kysely, { concurrency: 1, maxMutations: 4 });
    const users: [Session, number][] = [
      [w0, 0],
      [w1, 1],
      [w2, 2],
      [w3, 3],
      [w0b, 0],
    ];
    const clients = users.map(() => newClientId());
    const viewers: Viewer[] = [];
    const batches: Mutation[][] = [];
    for (const [s, grid] of users) {
      viewers.push(await viewerOf(ctx, s));
      batches.push((await visitsBy(s, grid, 2)).map((v, i) => submit(i + 1, v)));
    }
    // All five submitted at once: the first starts alone; the other four wait and go two by two
    // (four mutations per group).
    const responses = await Promise.all(clients.map((clientId, i) => queue.push(viewers[i]!, { clientId, mutations: batches[i]! })));
    expect(responses.map((r) => [r.lastMutationId, ...r.results.map((x) => x.status)])).toEqual(clients.map(() => [2, 'applied', 'applied']));
    const rows = await xidsOf(clients);
    const xidOf = new Map(rows.map((r) => [r.client_id, r.xid]));
    const [x0, x1, x2, x3, x4] = clients.map((c) => xidOf.get(c));
    expect(new Set([x0, x1, x3])).toHaveProperty('size', 3);
    expect([x1 === x2, x3 === x4]).toEqual([true, true]);
  });

  it('calm: a pull waits while pushes wait for a group, and no longer than its limit', async () => {
    // A push that holds the queue's only group until released, and two pushes waiting behind it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hold = {
      name: 'test.hold@1',
      args: z.strictObject({}),
      async handle() {
        await gate;
        return {};
      },
    };
    const queue = new PushQueue(ctx.db.kysely, { concurrency: 1, registry: MUTATIONS.with(hold) });
    expect(await Promise.race([queue.calm(60_000).then(() => 'calm'), new Promise((r) => setTimeout(r, 50, 'waited'))])).toBe('calm');

    const [vw0, vw1, vw2] = [await viewerOf(ctx, w0), await viewerOf(ctx, w1), await viewerOf(ctx, w2)];
    const [va, vb] = [await visitsBy(w1, 1, 1), await visitsBy(w2, 2, 1)];
    const events: string[] = [];
    const held = queue.push(vw0, { clientId: newClientId(), mutations: [mutation(1, 'test.hold@1', {})] }).then(() => events.push('held'));
    const waiting = [
      queue.push(vw1, { clientId: newClientId(), mutations: [submit(1, va[0]!)] }).then(() => events.push('a')),
      queue.push(vw2, { clientId: newClientId(), mutations: [submit(1, vb[0]!)] }).then(() => events.push('b')),
    ];
    const calm = queue.calm(60_000).then(() => events.push('calm'));
    // The short limit ends the wait though both pushes still wait; the long one is still waiting.
    await queue.calm(20);
    expect(events).toEqual([]);

    release();
    await Promise.all([held, calm, ...waiting]);
    // Calm as soon as the held push ended and the two were taken into the next group, before they were decided.
    expect(events.slice(0, 2)).toEqual(['held', 'calm']);
    expect(events.slice(2).sort()).toEqual(['a', 'b']);
  });

  it('a group whose transaction fails is tried again one push at a time: only the push at fault fails', async () => {
    const queue = new PushQueue(ctx.db.kysely, { concurrency: 1 });
    const [first, a, gone, b] = [newClientId(), newClientId(), newClientId(), newClientId()];
    // A user removed after their sign-in was checked: their new client's row cannot be written, and
    // with it the whole group's transaction fails.
    const removed: Viewer = { ...(await viewerOf(ctx, w3)), user: { ...(await viewerOf(ctx, w3)).user, id: newClientId() } };
    const [v0, va, vg, vb] = [await visitsBy(w2, 2, 1), await visitsBy(w0, 0, 2), await visitsBy(w3, 3, 1), await visitsBy(w1, 1, 2)];
    // Queued in one go (no await between them): a push that fails early is already being awaited.
    const [vw2, vw0, vw1] = [await viewerOf(ctx, w2), await viewerOf(ctx, w0), await viewerOf(ctx, w1)];
    const pushes = [
      queue.push(vw2, { clientId: first, mutations: [submit(1, v0[0]!)] }),
      queue.push(vw0, { clientId: a, mutations: va.map((v, i) => submit(i + 1, v)) }),
      queue.push(removed, { clientId: gone, mutations: [submit(1, vg[0]!)] }),
      queue.push(vw1, { clientId: b, mutations: vb.map((v, i) => submit(i + 1, v)) }),
    ];
    const settled = await Promise.allSettled(pushes);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.lastMutationId] : []))).toEqual([1, 2, 2]);
    expect(await countIds(ctx, 'visits', [...v0, ...va, ...vb].map((v) => v.id))).toBe(5);
    expect(await countIds(ctx, 'visits', [vg[0]!.id])).toBe(0);
    expect(await lastMutationIdOf(ctx, gone)).toBe(0);
  });

  it('decides pushes in arrival order: one that must run alone is not overtaken by later ones', async () => {
    // A task with one route place: a completion without a note arrives before the visit that would
    // have covered the place. Alone, in that order, the completion needs its note.
    const g = ctx.county.grids[0]!;
    const placeId = ctx.county.dataset.places[1]!.id;
    const task = makeTask({ townshipId: g.parentId!, gridId: g.id, assigneeIds: [w0.userId], placeIds: [placeId], createdBy: w0.userId, status: 'in_progress' });
    const keys = await ctx.db.kysely.selectFrom('regions').select(['county_id', 'township_id']).where('id', '=', g.id).executeTakeFirstOrThrow();
    await ctx.db.kysely.insertInto('tasks').values(taskToRow({ ...task, townshipId: keys.township_id! }, { county_id: keys.county_id, township_id: keys.township_id, grid_id: g.id })).execute();
    const visit = await signedVisit(ctx, w0b, { placeId, taskId: task.id });
    const [a, b] = [newClientId(), newClientId()];
    const settled = await pushGroup(ctx.db.kysely, [
      await item(w0, a, [mutation(1, 'task.complete@1', { taskId: task.id, at: new Date().toISOString(), visitIds: [] })]),
      await item(w0b, b, [submit(1, visit)]),
    ]);
    expect(value(settled[0]).results).toEqual([{ seq: 1, status: 'rejected', code: 'completion_note_required', reason: expect.any(String) as string }]);
    expect(value(settled[1]).results).toEqual([{ seq: 1, status: 'applied' }]);
    expect((await ctx.db.kysely.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow()).status).toBe('in_progress');
  });

  it('a resent push in a group is told its earlier rejections again, as it would be alone', async () => {
    const [a, b] = [newClientId(), newClientId()];
    const va = await visitsBy(w0, 0, 2);
    const vb = await visitsBy(w1, 1, 1);
    const poison: Visit = { ...va[1]!, note: '篡改' };
    const first = await push(ctx.db.kysely, await viewerOf(ctx, w0), { clientId: a, mutations: [submit(1, va[0]!), submit(2, poison)] });
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'rejected']);

    // The answer was lost: a resends both while b pushes new work; both in one group.
    const settled = await pushGroup(ctx.db.kysely, [await item(w0, a, [submit(1, va[0]!), submit(2, poison)]), await item(w1, b, [submit(1, vb[0]!)])]);
    expect(value(settled[0])).toEqual({ lastMutationId: 2, results: [{ seq: 1, status: 'duplicate' }, first.results[1]] });
    expect(value(settled[1])).toEqual({ lastMutationId: 1, results: [{ seq: 1, status: 'applied' }] });
    expect(await ctx.db.kysely.selectFrom('mutation_result').select('seq').where('client_id', '=', a).execute()).toHaveLength(1);
  });
});
