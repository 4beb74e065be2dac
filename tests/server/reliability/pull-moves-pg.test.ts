/**
 * Rows moving between held grids with a transaction held open across pulls (the xid8 horizon), PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { backends, setupContext, type Session, type TestContext } from '../harness';
import { newClientId, newPullState, pullAll, pullAllPurging } from './helpers';

describe.skipIf(!backends.includes('postgres'))('rows moving between held grids around a transaction held open, on postgres', () => {
  let ctx: TestContext;
  let other: pg.Client;
  let coord: Session;
  let worker: Session;
  beforeAll(async () => {
    ctx = await setupContext('postgres');
    coord = await ctx.login('coord0');
    worker = await ctx.login('worker0');
    const { rows } = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(ctx.db.kysely);
    other = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL, options: `-c search_path=${rows[0]!.s}` });
    await other.connect();
  });
  afterAll(async () => {
    await other.end();
    await ctx.close();
  });

  const db = () => ctx.db.kysely;
  const moveTask = (id: string, g: string) => db().updateTable('tasks').set({ grid_id: g }).where('id', '=', id).execute();

  it('a coordinator converges when a task moves A→B→A around a transaction held open across pulls', async () => {
    const [a, b] = [ctx.county.grids[0]!.id, ctx.county.grids[1]!.id];
    const task = ctx.county.dataset.tasks.find((t) => t.gridId === a)!;
    const state = newPullState();
    const clientId = newClientId();
    await pullAll(ctx, coord, clientId, state);
    await other.query('BEGIN');
    await other.query(`UPDATE places SET note = 'held open' WHERE id = $1`, [ctx.county.dataset.places[5]!.id]);
    await moveTask(task.id, b);
    await pullAll(ctx, coord, clientId, state, 2);
    await moveTask(task.id, a);
    await pullAll(ctx, coord, clientId, state, 1);
    await other.query('COMMIT');
    await pullAll(ctx, coord, clientId, state, 3);
    const fresh = newPullState();
    await pullAll(ctx, coord, newClientId(), fresh);
    expect(state.rows.get(`task:${task.id}`)).toEqual(fresh.rows.get(`task:${task.id}`));
    expect([...state.rows.keys()].sort()).toEqual([...fresh.rows.keys()].sort());
  });

  it('a row moved to a held grid above the horizon, then that grid revoked: the device purges it', async () => {
    const community = ctx.county.grids[0]!.parentId!;
    const [a, b] = [ctx.county.grids[0]!.id, ctx.county.grids[1]!.id];
    const far = ctx.county.grids[3]!.id; // a grid worker0 never holds
    const setRegion = (id: string) => db().updateTable('users').set({ region_id: id }).where('id', '=', worker.userId).execute();
    await setRegion(community);
    try {
      const [r, s] = ctx.county.dataset.tasks.filter((t) => t.gridId === a);
      const state = newPullState();
      const clientId = newClientId();
      await pullAllPurging(ctx, worker, clientId, state);
      await moveTask(r!.id, far); // tombstone in A, below the horizon to come
      await db().updateTable('tasks').set({ title: '后续修改' }).where('id', '=', s!.id).execute(); // a later row in A
      await other.query('BEGIN');
      await other.query(`UPDATE places SET note = 'held open' WHERE id = $1`, [ctx.county.dataset.places[5]!.id]);
      await moveTask(r!.id, b); // committed, but above the horizon while `other` is open
      await pullAllPurging(ctx, worker, clientId, state); // A: r's tombstone goes out as a put of r (now in B); B: its own put not yet
      await setRegion(a); // B revoked
      await other.query('COMMIT');
      await pullAllPurging(ctx, worker, clientId, state);
      const fresh = newPullState();
      await pullAll(ctx, worker, newClientId(), fresh);
      expect(fresh.rows.has(`task:${r!.id}`)).toBe(false);
      expect(state.rows.get(`task:${r!.id}`), 'task of a grid not held').toBeUndefined();
    } finally {
      await setRegion(ctx.county.grids[0]!.id);
    }
  });
});
