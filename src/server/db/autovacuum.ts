/**
 * Autovacuum for the embedded database. PGlite runs PostgreSQL in single-user mode, which has no
 * autovacuum launcher: left alone, no table is ever analyzed or vacuumed. Without statistics the
 * planner guesses a few dozen rows for any filter, and a pull page — the next 500 rows of a grid in
 * `(_xid, id)` order — became a bitmap scan of the grid's WHOLE window and a sort, not an index scan
 * that stops after 500 rows: measured on 2026-12-07 with 10,000 visits in one grid, 15 ms a page
 * instead of 5, and a snapshot's cost growing with the square of the grid's size. Without vacuum,
 * the dead rows of every update (a sync client's row at each push, tasks, subjects, cases) pile up.
 *
 * So the PGlite pool (pglite-pool.ts) does what PostgreSQL's autovacuum does, by its rules and
 * default thresholds: a table is analyzed once `n_mod_since_analyze` exceeds 50 + 10 % of its rows,
 * and vacuumed (and analyzed) once `n_dead_tup` exceeds 50 + 20 % or `n_ins_since_vacuum` exceeds
 * 1,000 + 20 % (PostgreSQL 13's insert threshold: it keeps the visibility map of append-only tables
 * such as visits current). It looks at the statistics at most once a `checkMs` while the database is
 * used, and once more after the last use; each run holds the one connection like any query, so the
 * work happens between transactions, and it analyzes a smaller sample than PostgreSQL does
 * (AUTOVACUUM_STATISTICS_TARGET). PostgreSQL has its own autovacuum; nothing here runs there.
 */

/** What PostgreSQL's cumulative statistics say about a table (pg_stat_user_tables, pg_class). */
export interface TableActivity {
  table: string;
  /** pg_class.reltuples: the row count as of the last vacuum or analyze; -1 if never counted. */
  reltuples: number;
  modSinceAnalyze: number;
  deadTuples: number;
  insSinceVacuum: number;
}

/** PostgreSQL's defaults (autovacuum_*_threshold and *_scale_factor). */
export const AUTOVACUUM_RULES = {
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  insertThreshold: 1000,
  insertScaleFactor: 0.2,
} as const;

export type Upkeep = 'vacuum' | 'analyze';

/** What autovacuum would do to a table now: vacuum (with analyze), analyze alone, or nothing. */
export function upkeepDue(t: TableActivity, rules = AUTOVACUUM_RULES): Upkeep | null {
  const rows = Math.max(t.reltuples, 0);
  if (t.deadTuples > rules.vacuumThreshold + rules.vacuumScaleFactor * rows) return 'vacuum';
  if (t.insSinceVacuum > rules.insertThreshold + rules.insertScaleFactor * rows) return 'vacuum';
  if (t.modSinceAnalyze > rules.analyzeThreshold + rules.analyzeScaleFactor * rows) return 'analyze';
  return null;
}

/** Runs one statement on the connection the caller holds; answers its rows. */
export type RunSql = (sql: string) => Promise<readonly Record<string, unknown>[]>;

/**
 * The statistics of the tables of the current schema. Each backend sends its counts to the shared
 * statistics at most once a second; the first statement asks it to send them at its end, so the
 * second reads every change made so far.
 */
async function activity(run: RunSql): Promise<TableActivity[]> {
  await run('SELECT pg_stat_force_next_flush()');
  const rows = await run(`
    SELECT s.relname AS table, c.reltuples::float8 AS reltuples, s.n_mod_since_analyze::float8 AS mods,
           s.n_dead_tup::float8 AS dead, s.n_ins_since_vacuum::float8 AS ins
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.schemaname = current_schema()
    ORDER BY s.relname`);
  return rows.map((r) => ({
    table: String(r.table),
    reltuples: Number(r.reltuples),
    modSinceAnalyze: Number(r.mods),
    deadTuples: Number(r.dead),
    insSinceVacuum: Number(r.ins),
  }));
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * One pass of autovacuum over the current schema's tables, analyzing with `statisticsTarget` (the
 * setting is reset afterwards); answers what it did.
 */
export async function autovacuumOnce(run: RunSql, statisticsTarget: number): Promise<{ table: string; upkeep: Upkeep }[]> {
  const due = (await activity(run)).flatMap((t) => {
    const upkeep = upkeepDue(t);
    return upkeep ? [{ table: t.table, upkeep }] : [];
  });
  if (due.length === 0) return due;
  await run(`SET default_statistics_target = ${Math.trunc(statisticsTarget)}`);
  try {
    for (const { table, upkeep } of due) await run(upkeep === 'vacuum' ? `VACUUM (ANALYZE) ${quoteIdent(table)}` : `ANALYZE ${quoteIdent(table)}`);
  } finally {
    await run('RESET default_statistics_target');
  }
  return due;
}

export interface AutovacuumOptions {
  /** The least time between two looks at the statistics while the database is used (default 1 s). */
  checkMs?: number;
  /** default_statistics_target while it analyzes (default AUTOVACUUM_STATISTICS_TARGET). */
  statisticsTarget?: number;
  /** Told when a pass fails (the next one tries again). */
  onError?: (err: unknown) => void;
}

/**
 * PostgreSQL analyzes a sample of 300 × default_statistics_target rows (100: 30,000), in a worker of
 * its own. Here analyzing holds the one connection, so it samples 9,000: analyzing 100,000 visits took
 * 55–60 ms instead of 220–310 (2026-12-07), and 30 values and buckets per column serve this schema's
 * filters (a grid, a township, an `_xid` window, an id) as well.
 */
export const AUTOVACUUM_STATISTICS_TARGET = 30;

/** Once a second at most, by default: one look costs about 2 ms of the one connection. */
export const AUTOVACUUM_CHECK_MS = 1000;

/**
 * When to look: `used()` after each use of the database; a pass runs at most once a `checkMs`, the
 * last one at most `checkMs` after the last use, never two at once. `pass` does the work, holding the
 * connection itself (after the holders already waiting for it).
 */
export class AutovacuumSchedule {
  readonly #checkMs: number;
  #last = -Infinity;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  /** Used since the last pass began: another pass is due. */
  #dirty = false;
  #stopped = false;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly opts: AutovacuumOptions = {},
  ) {
    this.#checkMs = opts.checkMs ?? AUTOVACUUM_CHECK_MS;
  }

  used(): void {
    this.#dirty = true;
    if (this.#stopped || this.#running) return;
    const wait = this.#last + this.#checkMs - performance.now();
    // Due now: at once, not on a timer — a run of queries awaited one after another (PGlite answers
    // in this thread) never lets the event loop reach its timers.
    if (wait <= 0) this.#run();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#run(), wait);
      // A pass due is no reason to keep the process alive.
      this.#timer.unref();
    }
  }

  /** Stops scheduling; resolves once a pass under way has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #run(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#dirty = false;
    this.#running = this.pass()
      .then(
        () => undefined,
        (err: unknown) => this.opts.onError?.(err),
      )
      .finally(() => {
        this.#last = performance.now();
        this.#running = null;
        if (this.#dirty) this.used();
      });
  }
}
