/**
 * A pull first asks, in one statement per few hundred, which sources of the caller's scopes changed
 * (pull.ts `changedSources`), then reads only those. A coordinator holding many grids crosses from one
 * probe statement into the next: every grid's rows still arrive, in a snapshot and incrementally.
 */
import { describe, expect, it } from 'vitest';
import { makePlace, makeRegion } from '../factories';
import { RegionTree } from '../../src/server/scope/keys';
import { regionToRow } from '../../src/server/regions/rows';
import { placeToRow } from '../../src/server/places/rows';
import { backends, useContext } from './harness';
import { ids, newClientId, newPullState, pullAll } from './reliability/helpers';

/** Grids added to the coordinator's township: with 9 probes a grid, well past one statement's 400. */
const EXTRA_GRIDS = 60;

describe.each(backends)('a pull over many scopes on %s', (backend) => {
  const { ctx, sessions: [coord] } = useContext(backend, ['coord0']);

  it("delivers every grid's rows, the first grid's and the last's, in a snapshot and then incrementally", async () => {
    const township = ctx.county.townships[0]!;
    const grids = Array.from({ length: EXTRA_GRIDS }, (_, i) => makeRegion({ level: 'grid', parentId: township.id, name: `新网格${i + 1}`, code: `NG${i + 1}` }));
    const tree = new RegionTree([...ctx.county.dataset.regions, ...grids]);
    const insertPlaces = async (n: number) => {
      const places = grids.map((g, i) => makePlace({ gridId: g.id, name: `场所${i + 1}-${n}` }));
      await ctx.db.kysely.insertInto('places').values(places.map((p) => placeToRow(p, tree.keysOf(p.gridId)))).execute();
      return places.map((p) => p.id);
    };
    await ctx.db.kysely.insertInto('regions').values(grids.map((g) => regionToRow(g, tree.keysOf(g.id)))).execute();
    const first = await insertPlaces(1);

    const clientId = newClientId();
    const state = newPullState();
    await pullAll(ctx, coord, clientId, state);
    for (const g of grids) expect(state.cursors).toHaveProperty(`grid:${g.id}`);
    expect(ids(state, 'place')).toEqual(expect.arrayContaining(first));
    expect(ids(state, 'region')).toEqual(expect.arrayContaining(grids.map((g) => g.id)));

    // Nothing changed: an incremental pull brings nothing. Then one new place in every grid: all of them.
    expect(await pullAll(ctx, coord, clientId, state)).toEqual([]);
    const second = await insertPlaces(2);
    const changes = await pullAll(ctx, coord, clientId, state);
    expect(changes.map((c) => c.id).sort()).toEqual([...second].sort());
    expect(ids(state, 'place')).toEqual(expect.arrayContaining([...first, ...second]));
  });
});
