/**
 * 5: commit-order fuzz, PostgreSQL only (it needs real concurrent connections; PGlite has one).
 * Transactions insert rows and commit in random order while pulls run; the union of everything pulled
 * must equal everything committed — no row skipped — whereas a naive `created_at` cursor skips rows
 * that commit late.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { uuidv7 } from '../../../src/domain/ids';
import { pull } from '../../../src/server/sync/pull';
import type { Viewer } from '../../../src/server/scope/viewer';
import { backends, setupContext, type TestContext } from '../harness';
import { viewerOf } from './helpers';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 200);
const TX = 3;

describe.skipIf(!backends.includes('postgres'))('commit-order fuzz on postgres', () => {
  let ctx: TestContext;
  let viewer: Viewer;
  let clients: pg.Client[];
  beforeAll(async () => {
    ctx = await setupContext('postgres');
    viewer = await viewerOf(ctx, await ctx.login('worker0'));
    const { rows } = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(ctx.db.kysely);
    clients = await Promise.all(
      Array.from({ length: TX }, async () => {
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL, options: `-c search_path=${rows[0]!.s}` });
        await c.connect();
        return c;
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await ctx.close();
  });

  it(`delivers every committed row across ${ITERATIONS} random interleavings; a created_at cursor would not`, async () => {
    const grid = ctx.county.grids[0]!;
    const township = ctx.county.townships[0]!.id;
    const county = ctx.county.county.id;
    const gridKey = `grid:${grid.id}`;
    const committed = new Set<string>();
    const pulled = new Set<string>();
    const naiveSeen = new Set<string>();
    let cursor: string | null = null;
    let epoch: string | null = null;
    let naive = new Date(0);
    const clientId = uuidv7();
    // mulberry32: a seeded generator, so a failing interleaving can be replayed.
    let seed = Number(process.env.FUZZ_SEED ?? 12345);
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };

    const doPull = async () => {
      for (;;) {
        const res = await pull(ctx.db.kysely, viewer, { clientId, epoch, cursors: { [gridKey]: cursor }, limit: 50 });
        epoch = res.epoch;
        for (const c of res.changes) if (c.entity === 'place' && c.op === 'put') pulled.add(c.id);
        cursor = res.cursors[gridKey] ?? cursor;
        if (!res.hasMore) break;
      }
      const { rows } = await sql<{ id: string; created_at: Date }>`
        SELECT id, created_at FROM places WHERE grid_id = ${grid.id} AND created_at > ${naive} ORDER BY created_at`.execute(ctx.db.kysely);
      for (const r of rows) naiveSeen.add(r.id);
      if (rows.length) naive = rows[rows.length - 1]!.created_at;
    };

    for (let it = 0; it < ITERATIONS; it++) {
      // Each transaction: begin, insert, commit — in a random interleaving, with pulls in between.
      const steps: { tx: number; op: 'begin' | 'insert' | 'commit' }[] = [];
      const next = Array.from({ length: TX }, () => 0);
      const ops = ['begin', 'insert', 'commit'] as const;
      while (steps.length < TX * 3) {
        const tx = rand(TX);
        if (next[tx]! < 3) steps.push({ tx, op: ops[next[tx]!++]! });
      }
      const ids = Array.from({ length: TX }, () => uuidv7());
      for (const s of steps) {
        const c = clients[s.tx]!;
        if (s.op === 'begin') await c.query('BEGIN');
        else if (s.op === 'insert') {
          await c.query(
            `INSERT INTO places (id, kind, name, address, lat, lng, risk_level, county_id, township_id, grid_id)
             VALUES ($1, 'cafe', '咖啡馆', '某路', 27.7, 106.9, 'low', $2, $3, $4)`,
            [ids[s.tx], county, township, grid.id],
          );
        } else {
          await c.query('COMMIT');
          committed.add(ids[s.tx]!);
        }
        if (rand(2) === 0) await doPull();
      }
    }
    await doPull();
    const skipped = [...committed].filter((id) => !pulled.has(id));
    expect(skipped).toEqual([]);
    const naiveSkipped = [...committed].filter((id) => !naiveSeen.has(id));
    expect(naiveSkipped.length).toBeGreaterThan(0);
  });
});
