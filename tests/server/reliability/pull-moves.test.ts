/**
 * Rows that move between scopes a device holds (SPEC §8), found by a randomised pull audit: the device
 * ends equal to a fresh snapshot whichever scope's page comes first, and never keeps a row of a scope it lost.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { backends, useContext } from '../harness';
import { newClientId, newPullState, pullAll, pullAllPurging, pullOnce } from './helpers';


describe.each(backends)('rows moving between scopes a device holds, on %s', (backend) => {
  const { ctx, sessions: [worker, manager] } = useContext(backend, ['worker0', 'manager0']);
  const db = () => ctx.db.kysely;
  const managerId = () => ctx.county.users.managers[0]!.id;
  const managerVisit = () => ctx.county.dataset.visits.find((v) => v.inspectorIds.includes(managerId()))!;
  const moveVisit = (id: string, placeId: string, trx = db()) =>
    trx
      .updateTable('visits')
      .set({ place_id: placeId, doc: sql`jsonb_set(doc::jsonb, '{placeId}', to_jsonb(${placeId}::text))::json` })
      .where('id', '=', id)
      .execute();

  it('a building manager keeps their own visit moved between two places they both manage', async () => {
    const [p0, p1] = ctx.county.dataset.places.filter((p) => p.gridId === ctx.county.grids[0]!.id);
    await db().updateTable('places').set({ manager_ids: [managerId()] }).where('id', '=', p1!.id).execute();
    const [lo, hi] = [p0!.id, p1!.id].sort() as [string, string];
    const visit = managerVisit();
    await moveVisit(visit.id, hi); // start at the place whose scope is pulled last
    const state = newPullState();
    const clientId = newClientId();
    await pullAll(ctx, manager, clientId, state);
    expect(state.rows.get(`visit:${visit.id}`)).toMatchObject({ placeId: hi });

    await moveVisit(visit.id, lo); // place:lo delivers the put, then place:hi its tombstone
    await pullAll(ctx, manager, clientId, state);
    const fresh = newPullState();
    await pullAll(ctx, manager, newClientId(), fresh);
    expect(fresh.rows.get(`visit:${visit.id}`)).toMatchObject({ placeId: lo });
    expect(state.rows.get(`visit:${visit.id}`), 'visit lost from the replica').toMatchObject({ placeId: lo });
  });

  it('a row that left a place scope twice in one transaction and came back stays', async () => {
    const [p0, p1] = ctx.county.dataset.places.filter((p) => p.gridId === ctx.county.grids[0]!.id);
    await db().updateTable('places').set({ manager_ids: [] }).where('id', '=', p1!.id).execute(); // manage p0 only
    const visit = managerVisit();
    await moveVisit(visit.id, p0!.id);
    const state = newPullState();
    const clientId = newClientId();
    await pullAll(ctx, manager, clientId, state);
    expect(state.rows.has(`visit:${visit.id}`)).toBe(true);

    await db().transaction().execute(async (trx) => {
      for (const to of [p1!, p0!, p1!, p0!]) await moveVisit(visit.id, to.id, trx);
    });
    await pullAll(ctx, manager, clientId, state);
    expect(state.rows.has(`visit:${visit.id}`), 'visit lost from the replica').toBe(true);
  });

  it('a row moved to another held grid, then that grid revoked before its page: the device holds it there and purges it', async () => {
    const community = ctx.county.grids[0]!.parentId!;
    const [gA, gB] = [ctx.county.grids[0]!.id, ctx.county.grids[1]!.id].sort() as [string, string];
    const setRegion = (id: string) => db().updateTable('users').set({ region_id: id }).where('id', '=', worker.userId).execute();
    await setRegion(community); // holds gA and gB
    try {
      const state = newPullState();
      const clientId = newClientId();
      await pullAllPurging(ctx, worker, clientId, state);
      const [r, s] = ctx.county.dataset.tasks.filter((t) => t.gridId === gA);
      expect(state.rows.has(`task:${r!.id}`)).toBe(true);
      await db().updateTable('tasks').set({ grid_id: gB }).where('id', '=', r!.id).execute(); // A → B
      await db().updateTable('tasks').set({ title: '后续修改' }).where('id', '=', s!.id).execute(); // a later change in A
      // Page of 1: grid:A's tombstone of r (live in grid:B) goes out as a put of r as it is now, so the
      // device holds r in grid B; the budget is spent before grid:B's own put.
      const page = await pullOnce(ctx, worker, clientId, state, 1);
      expect(page.changes).toEqual([expect.objectContaining({ op: 'put', id: r!.id, data: expect.objectContaining({ gridId: gB }) as unknown })]);
      await setRegion(gA); // grid:B revoked
      await pullAllPurging(ctx, worker, clientId, state);
      const fresh = newPullState();
      await pullAll(ctx, worker, newClientId(), fresh);
      expect(fresh.rows.has(`task:${r!.id}`)).toBe(false);
      expect(state.rows.get(`task:${r!.id}`), 'task of a grid no longer held, with stale data').toBeUndefined();
    } finally {
      await setRegion(ctx.county.grids[0]!.id);
    }
  });
});
