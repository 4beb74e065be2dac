/** Reliability of pull (SPEC §8): scopes granted and revoked, rows that move, a restored server. */
import { describe, expect, it } from 'vitest';
import { setMeta } from '../../../src/server/db/meta';
import { backends, useContext } from '../harness';
import { ids, newClientId, newPullState, pullAll, pullOnce } from './helpers';

describe.each(backends)('pull reliability on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);

  const grid = (i: number) => ctx.county.grids[i]!;
  const setRegion = (regionId: string) =>
    ctx.db.kysely.updateTable('users').set({ region_id: regionId }).where('id', '=', worker.userId).execute();

  it('11: a granted grid arrives as a full snapshot of even old rows; a revoked one is dropped', async () => {
    const clientId = newClientId();
    const state = newPullState();
    await pullAll(ctx, worker, clientId, state);
    const g1Places = ctx.county.dataset.places.filter((p) => p.gridId === grid(1).id).map((p) => p.id).sort();
    expect(ids(state, 'place').filter((id) => g1Places.includes(id))).toEqual([]);

    const community = grid(0).parentId!;
    await setRegion(community);
    try {
      await pullAll(ctx, worker, clientId, state, 5);
      expect(Object.keys(state.cursors)).toContain(`grid:${grid(1).id}`);
      expect(ids(state, 'place').filter((id) => g1Places.includes(id))).toEqual(g1Places);
      const g1Tasks = ctx.county.dataset.tasks.filter((t) => t.gridId === grid(1).id).length;
      const tasks = [...state.rows.entries()].filter(([k, v]) => k.startsWith('task:') && v?.gridId === grid(1).id);
      expect(tasks.length).toBe(g1Tasks);
    } finally {
      await setRegion(grid(0).id);
    }
    const body = await pullOnce(ctx, worker, clientId, state);
    expect(body.dropScopes).toEqual([`grid:${grid(1).id}`]);
    expect(Object.keys(body.cursors)).not.toContain(`grid:${grid(1).id}`);
  });

  it('12: a task moved to another grid leaves a tombstone in the old scope and appears in the new one', async () => {
    const task = ctx.county.dataset.tasks.find((t) => t.gridId === grid(0).id)!;
    const w0 = newPullState();
    const w1 = newPullState();
    const worker1 = await ctx.login('worker1');
    await pullAll(ctx, worker, newClientId(), w0);
    await pullAll(ctx, worker1, newClientId(), w1);
    expect(w0.rows.has(`task:${task.id}`)).toBe(true);
    expect(w1.rows.has(`task:${task.id}`)).toBe(false);

    await ctx.db.kysely.updateTable('tasks').set({ grid_id: grid(1).id }).where('id', '=', task.id).execute();
    const c0 = await pullAll(ctx, worker, newClientId(), w0);
    expect(c0).toContainEqual({ entity: 'task', op: 'del', id: task.id });
    expect(w0.rows.has(`task:${task.id}`)).toBe(false);
    const c1 = await pullAll(ctx, worker1, newClientId(), w1);
    expect(c1).toContainEqual(expect.objectContaining({ entity: 'task', op: 'put', id: task.id }));
    expect(w1.rows.get(`task:${task.id}`)?.gridId).toBe(grid(1).id);
    // And back: the old scope gets the row again, the new one a tombstone.
    await ctx.db.kysely.updateTable('tasks').set({ grid_id: grid(0).id }).where('id', '=', task.id).execute();
    await pullAll(ctx, worker, newClientId(), w0);
    await pullAll(ctx, worker1, newClientId(), w1);
    expect(w0.rows.has(`task:${task.id}`)).toBe(true);
    expect(w1.rows.has(`task:${task.id}`)).toBe(false);
  });

  it('12c: a task moved away and back in one transaction stays on the device, wherever a page ends', async () => {
    const task = ctx.county.dataset.tasks.find((t) => t.gridId === grid(0).id)!;
    for (const limit of [1, 2, 3]) {
      const state = newPullState();
      const clientId = newClientId();
      await pullAll(ctx, worker, clientId, state);
      const title = `往返 ${limit}`;
      await ctx.db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable('tasks').set({ grid_id: grid(1).id }).where('id', '=', task.id).execute();
        await trx.updateTable('tasks').set({ grid_id: grid(0).id, title }).where('id', '=', task.id).execute();
      });
      const changes = await pullAll(ctx, worker, clientId, state, limit);
      expect(changes.filter((c) => c.id === task.id)).toEqual([expect.objectContaining({ op: 'put', id: task.id })]);
      expect(state.rows.get(`task:${task.id}`)).toMatchObject({ gridId: grid(0).id, title });
    }
  });

  it('12d: a task moved between two grids the device both holds stays on it, whichever scope comes first', async () => {
    // A coordinator holds every grid of the township: the move leaves a tombstone in one scope they
    // hold and a put in another; the device must end with the row, in whatever order those arrive.
    const coord = await ctx.login('coord0');
    const [a, b] = [grid(0), grid(1)];
    expect(a.parentId === b.parentId || ctx.county.townships.length > 0).toBe(true);
    const task = ctx.county.dataset.tasks.find((t) => t.gridId === a.id)!;
    for (const limit of [undefined, 1, 2, 3]) {
      for (const to of [b, a]) {
        const state = newPullState();
        const clientId = newClientId();
        await pullAll(ctx, coord, clientId, state);
        expect(state.rows.has(`task:${task.id}`)).toBe(true);
        await ctx.db.kysely.updateTable('tasks').set({ grid_id: to.id, title: `移交 ${String(limit)} ${to.code}` }).where('id', '=', task.id).execute();
        await pullAll(ctx, coord, clientId, state, limit);
        expect(state.rows.get(`task:${task.id}`), `page size ${String(limit)}, to ${to.code}`).toMatchObject({ gridId: to.id });
        // And back again, the other way round.
        const back = to.id === a.id ? b : a;
        await ctx.db.kysely.updateTable('tasks').set({ grid_id: back.id }).where('id', '=', task.id).execute();
        await pullAll(ctx, coord, clientId, state, limit);
        expect(state.rows.get(`task:${task.id}`), `page size ${String(limit)}, back to ${back.code}`).toMatchObject({ gridId: back.id });
      }
    }
    await ctx.db.kysely.updateTable('tasks').set({ grid_id: a.id }).where('id', '=', task.id).execute();
  });

  it('12e: a township coordinator moved to another township leaves the grid workers of the old one', async () => {
    const coord = ctx.county.users.coordinators[0]!;
    const [from, to] = [ctx.county.townships[0]!, ctx.county.townships[1]!];
    const state = newPullState();
    const clientId = newClientId();
    await pullAll(ctx, worker, clientId, state);
    expect(ids(state, 'user')).toContain(coord.id);
    const move = (t: typeof from) => ctx.db.kysely.updateTable('users').set({ region_id: t.id, township_id: t.id }).where('id', '=', coord.id).execute();
    await move(to);
    try {
      const changes = await pullAll(ctx, worker, clientId, state);
      expect(changes).toContainEqual({ entity: 'user', op: 'del', id: coord.id });
      // The device now agrees with a fresh snapshot.
      const fresh = newPullState();
      await pullAll(ctx, worker, newClientId(), fresh);
      expect(ids(fresh, 'user')).not.toContain(coord.id);
      expect(ids(state, 'user')).toEqual(ids(fresh, 'user'));
    } finally {
      await move(from);
    }
    // Back in the township: delivered again.
    await pullAll(ctx, worker, clientId, state);
    expect(ids(state, 'user')).toContain(coord.id);
  });

  it('12f: a building manager whose place moves to another grid receives that grid and its parents', async () => {
    const manager = await ctx.login('manager0');
    const place = ctx.county.managedPlace;
    const from = ctx.county.grids.find((g) => g.id === place.gridId)!;
    const to = ctx.county.grids.find((g) => g.parentId !== from.parentId)!;
    const state = newPullState();
    const clientId = newClientId();
    await pullAll(ctx, manager, clientId, state);
    expect(ids(state, 'region')).toContain(from.id);
    expect(ids(state, 'region')).not.toContain(to.id);
    const keys = await ctx.db.kysely.selectFrom('regions').select(['county_id', 'township_id']).where('id', '=', to.id).executeTakeFirstOrThrow();
    const move = (g: typeof from, k: typeof keys) => ctx.db.kysely.updateTable('places').set({ grid_id: g.id, township_id: k.township_id }).where('id', '=', place.id).execute();
    const back = await ctx.db.kysely.selectFrom('regions').select(['county_id', 'township_id']).where('id', '=', from.id).executeTakeFirstOrThrow();
    await move(to, keys);
    try {
      await pullAll(ctx, manager, clientId, state, 2);
      // The new grid and its township arrive, though they did not change; the place is still theirs.
      expect(ids(state, 'region')).toEqual(expect.arrayContaining([to.id, to.parentId!]));
      expect(state.rows.get(`place:${place.id}`)).toMatchObject({ gridId: to.id });
    } finally {
      await move(from, back);
    }
  });

  it('12b: a deleted row is delivered as a tombstone', async () => {
    const state = newPullState();
    await pullAll(ctx, worker, newClientId(), state);
    const ev = ctx.county.dataset.ledgerEvents.find((e) => state.rows.has(`ledgerEvent:${e.id}`))!;
    await ctx.db.kysely.deleteFrom('ledger_events').where('id', '=', ev.id).execute();
    const changes = await pullAll(ctx, worker, newClientId(), state);
    expect(changes).toEqual([{ entity: 'ledgerEvent', op: 'del', id: ev.id }]);
  });

  it('15: after a restore (new epoch) a client with the old epoch gets every scope again from scratch', async () => {
    const clientId = newClientId();
    const state = newPullState();
    const first = await pullAll(ctx, worker, clientId, state);
    const oldEpoch = state.epoch;
    // (A snapshot leaves out older tombstones; the next pull may still name rows it never sent.)
    expect((await pullAll(ctx, worker, clientId, state)).filter((c) => c.op === 'put')).toEqual([]);
    await setMeta(ctx.db.kysely, 'epoch', '11111111-2222-4333-8444-555555555555');
    const again = await pullAll(ctx, worker, clientId, state);
    expect(state.epoch).not.toBe(oldEpoch);
    expect(state.epoch).toBe('11111111-2222-4333-8444-555555555555');
    expect(again.length).toBe(first.length);
  });
});
