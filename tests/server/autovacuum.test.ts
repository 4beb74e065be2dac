/**
 * PGlite's autovacuum (src/server/db/autovacuum.ts): PostgreSQL's rules, the schedule, and what it is
 * for — after a grid fills with visits the pull reads a page of them, not the grid's whole window, and
 * the dead rows of updates are reclaimed. PGlite only: PostgreSQL runs its own autovacuum.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { AUTOVACUUM_RULES, AUTOVACUUM_STATISTICS_TARGET, AutovacuumSchedule, upkeepDue, type TableActivity } from '../../src/server/db/autovacuum';
import type { Db } from '../../src/server/db/connect';
import { pull } from '../../src/server/sync/pull';
import { insertVisits } from '../../src/server/sync/visit-insert';
import { makeVisit } from '../factories';
import { setupContext, type TestContext } from './harness';
import { newClientId, viewerOf } from './reliability/helpers';

const activity = (o: Partial<TableActivity>): TableActivity => ({ table: 't', reltuples: 0, modSinceAnalyze: 0, deadTuples: 0, insSinceVacuum: 0, ...o });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('autovacuum rules (PostgreSQL defaults)', () => {
  it('analyzes a table once more than 50 rows plus 10 % of it changed', () => {
    expect(upkeepDue(activity({ reltuples: -1, modSinceAnalyze: 50 }))).toBeNull();
    expect(upkeepDue(activity({ reltuples: -1, modSinceAnalyze: 51 }))).toBe('analyze');
    expect(upkeepDue(activity({ reltuples: 10_000, modSinceAnalyze: 1_050 }))).toBeNull();
    expect(upkeepDue(activity({ reltuples: 10_000, modSinceAnalyze: 1_051 }))).toBe('analyze');
  });

  it('vacuums once more than 50 + 20 % of its rows are dead, or 1,000 + 20 % were inserted since the last vacuum', () => {
    expect(upkeepDue(activity({ reltuples: 10_000, deadTuples: 2_050, modSinceAnalyze: 2_050 }))).toBe('analyze');
    expect(upkeepDue(activity({ reltuples: 10_000, deadTuples: 2_051 }))).toBe('vacuum');
    expect(upkeepDue(activity({ reltuples: 10_000, insSinceVacuum: 3_000 }))).toBeNull();
    expect(upkeepDue(activity({ reltuples: 10_000, insSinceVacuum: 3_001, modSinceAnalyze: 3_001 }))).toBe('vacuum');
    expect(AUTOVACUUM_RULES.insertThreshold).toBe(1000);
  });
});

describe('autovacuum schedule', () => {
  // The schedule's clock and timers, under the test's control: nothing depends on the machine's speed.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const later = (ms: number) => vi.advanceTimersByTimeAsync(ms);

  it('runs a pass at once, then at most once a checkMs, one more after the last use, never two at once', async () => {
    let passes = 0;
    let running = 0;
    let overlapped = false;
    const schedule = new AutovacuumSchedule(
      async () => {
        passes++;
        running++;
        if (running > 1) overlapped = true;
        await sleep(10);
        running--;
      },
      { checkMs: 60 },
    );
    schedule.used();
    expect(passes).toBe(1); // at once: no timer to wait for
    for (let i = 0; i < 10; i++) {
      schedule.used();
      await later(5);
    }
    expect(passes).toBe(1); // 50 ms of use: within checkMs of the first pass
    await later(30);
    expect(passes).toBe(2); // the one after the last use, checkMs after the first ended
    await later(500);
    expect(passes).toBe(2); // unused since: nothing more
    expect(overlapped).toBe(false);
    await schedule.stop();
    schedule.used();
    await later(500);
    expect(passes).toBe(2);
  });

  it('runs a pass that is due at once, in the use that found it due, not on a timer', async () => {
    // PGlite answers in this thread: a run of awaited queries can keep timers from running for long.
    let passes = 0;
    const schedule = new AutovacuumSchedule(
      () => {
        passes++;
        return Promise.resolve();
      },
      { checkMs: 60 },
    );
    schedule.used();
    await later(100); // the first pass ended; nothing used since, so nothing is scheduled
    expect(passes).toBe(1);
    schedule.used();
    expect(passes).toBe(2); // synchronously
    await schedule.stop();
  });

  it('a use while a pass runs brings one more pass after it', async () => {
    let passes = 0;
    const schedule = new AutovacuumSchedule(
      async () => {
        passes++;
        await sleep(100);
      },
      { checkMs: 60 },
    );
    schedule.used();
    await later(50);
    schedule.used(); // the pass under way may have read the statistics before this use's changes
    await later(500);
    expect(passes).toBe(2);
    await schedule.stop();
  });

  it('reports a failed pass and keeps scheduling', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const schedule = new AutovacuumSchedule(
      () => {
        passes++;
        return Promise.reject(new Error('disk full'));
      },
      { checkMs: 20, onError: (err) => errors.push(err) },
    );
    schedule.used();
    await later(5);
    schedule.used();
    await later(60);
    expect(passes).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full', 'disk full']);
    await schedule.stop();
  });
});

/** The statistics PostgreSQL keeps of `table`, every change made so far counted. */
async function statsOf(db: Db, table: string) {
  await sql`SELECT pg_stat_force_next_flush()`.execute(db.kysely);
  const { rows } = await sql<{ fetched: number; n_dead_tup: number; last_analyze: Date | null; last_vacuum: Date | null }>`
    SELECT (coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0))::int AS fetched, n_dead_tup::int AS n_dead_tup, last_analyze, last_vacuum
    FROM pg_stat_user_tables WHERE relname = ${table}`.execute(db.kysely);
  return rows[0]!;
}

async function until(what: string, test: () => Promise<boolean>, ms = 8000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (await test()) return;
  throw new Error(`timed out waiting for ${what}`);
}

const VISITS = 2000;
const PAGE = 100;

describe.each([
  { autovacuum: true, label: 'with autovacuum' },
  { autovacuum: false, label: 'without it (what PGlite alone does)' },
])(`a grid of ${VISITS} visits on PGlite, $label`, ({ autovacuum }) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await setupContext('pglite', autovacuum ? { autovacuum: { checkMs: 100 } } : { autovacuum: false });
    const { county, townships, grids, dataset, users } = ctx.county;
    const grid = grids[0]!;
    const keys = { county_id: county.id, township_id: townships[0]!.id, grid_id: grid.id };
    const place = dataset.places.find((p) => p.gridId === grid.id)!;
    const rows = Array.from({ length: VISITS }, () => ({
      visit: makeVisit({ placeId: place.id, inspectorIds: [users.workers[0]!.id], templateId: dataset.templates[0]!.id }),
      keys,
      flags: [],
      clockOffsetMs: 0,
      receivedAt: new Date(),
    }));
    for (let i = 0; i < rows.length; i += 500) await insertVisits(ctx.db.kysely, rows.slice(i, i + 500));
  }, 30_000);
  afterAll(() => ctx.close());

  if (autovacuum) {
    it('analyzes the visits soon after they were written, on a sample of AUTOVACUUM_STATISTICS_TARGET', async () => {
      await until('visits analyzed', async () => (await statsOf(ctx.db, 'visits')).last_analyze !== null);
      // A unique column's histogram has target + 1 bounds; the setting is back to PostgreSQL's own.
      const { rows } = await sql<{ bounds: number; target: string }>`
        SELECT cardinality(histogram_bounds::text::uuid[]) AS bounds, current_setting('default_statistics_target') AS target
        FROM pg_stats WHERE tablename = 'visits' AND attname = 'id'`.execute(ctx.db.kysely);
      expect(rows[0]).toEqual({ bounds: AUTOVACUUM_STATISTICS_TARGET + 1, target: '100' });
    });

    it('a pull page reads about a page of visits, not the whole grid', async () => {
      const viewer = await viewerOf(ctx, await ctx.login('worker0'));
      const before = (await statsOf(ctx.db, 'visits')).fetched;
      const res = await pull(ctx.db.kysely, viewer, { clientId: newClientId(), epoch: null, cursors: {}, limit: PAGE });
      const read = (await statsOf(ctx.db, 'visits')).fetched - before;
      expect(res.changes).toHaveLength(PAGE);
      expect(res.hasMore).toBe(true);
      expect(read).toBeLessThan(3 * PAGE);
    });

    it('vacuums away the dead rows of updates', async () => {
      for (let i = 0; i < 60; i++) await sql`UPDATE places SET note = ${`第${i}次`}`.execute(ctx.db.kysely);
      await until('places vacuumed', async () => {
        const s = await statsOf(ctx.db, 'places');
        return s.last_vacuum !== null && s.n_dead_tup === 0;
      });
    });
  } else {
    it('the same pull page reads the whole grid', async () => {
      const viewer = await viewerOf(ctx, await ctx.login('worker0'));
      const before = await statsOf(ctx.db, 'visits');
      const res = await pull(ctx.db.kysely, viewer, { clientId: newClientId(), epoch: null, cursors: {}, limit: PAGE });
      const after = await statsOf(ctx.db, 'visits');
      expect(res.changes).toHaveLength(PAGE);
      expect(after.last_analyze).toBeNull();
      expect(after.fetched - before.fetched).toBeGreaterThanOrEqual(VISITS);
    });
  }
});
