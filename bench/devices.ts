/**
 * 200 devices syncing at once against PostgreSQL (SPEC §12: no error, no lost or duplicated record,
 * p95 push latency ≤ 300 ms), through the real HTTP server.
 *
 * Setup (untimed): a fresh schema, migrated; one county, one township, 10 grids with 5 places each,
 * 200 grid workers (20 per grid) and the bench checklist of bench/sync.ts. The real app (`buildApp`,
 * production config, logger off) listens on 127.0.0.1 with the product's PostgreSQL pool (openDb's
 * default, max 10 connections). Every device signs in through `POST /api/auth/login` (4 at a time:
 * scrypt runs on libuv's 4 threads). Every visit, its device-local hash chain (`prevHash`) and every
 * request body are built before the clock starts.
 *
 * Timed: all 200 devices start together (Promise.all, no stagger). Each device does ROUNDS sync
 * cycles as the client engine does them — push its outbox in seq order, then pull until `hasMore`
 * is false — a round's outbox being a day's work, 30 `visit.submit@1` mutations sent as 3 pushes of
 * 10. The first pull of a device is its initial snapshot (epoch null, no cursors); later pulls go on
 * from the cursors it got. Pull pages hold at most 500 changes.
 *
 * The devices run in a worker thread of this process with Node's fetch (undici, keep-alive, one
 * connection per device in practice), so their own work — serialising, parsing pull pages — never
 * sits on the server's event loop; they still share the machine's CPUs with the server and
 * PostgreSQL. Each request's latency is wall time from before `fetch` to the body read. Nothing is
 * retried: a non-2xx answer or a network error counts as an error and ends that device's run.
 *
 * Verified afterwards: the database holds every pushed visit exactly once and nothing else, each
 * client's `sync_client.last_mutation_id` is its last seq, every push result was `applied`, and —
 * after one untimed catch-up pull per device, since a device that finished early cannot have seen
 * what its colleagues pushed later — every device was delivered each visit of its grid exactly once.
 *
 * Push latency is also printed per phase: the first round, when all 200 devices push at once before
 * anyone pulls (a thundering herd of 600 pushes), and the later rounds, when devices come back from
 * their pulls at their own pace.
 *
 * Prints `sync.devices` (figures, verification, load, and `pushTransactions`: how many transactions
 * recorded the pushes — fewer than the pushes when group commit shares them); errors or a failed
 * verification make the process fail after the figures are printed. A missed latency budget is
 * printed, not failed.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { sql } from 'kysely';
import type { Place, Region } from '../src/domain/entities';
import { uuidv7 } from '../src/domain/ids';
import type { SeedUser } from '../src/server/seed/types';
import { benchVisit, template } from './sync';

const GRIDS = 10;
const WORKERS_PER_GRID = 20;
const DEVICES = GRIDS * WORKERS_PER_GRID;
const PLACES_PER_GRID = 5;
const ROUNDS = 2;
const VISITS_PER_ROUND = 30;
const PUSH_SIZE = 10;
const PULL_LIMIT = 500;
const LOGIN_CONCURRENCY = 4;
/** openDb's pool size for PostgreSQL (src/server/db/connect.ts), left as the product has it. */
const POOL_MAX = 10;
const BUDGET_PUSH_P95_MS = 300;
const PASSWORD = 'bench-password';
const MUTATION_AT = '2025-05-12T02:20:00.000Z';
/** Stands in for `sentAt` in a prepared push body; the device writes its clock there when sending. */
const SENT_AT = '<sentAt>';

// ---- what the main thread hands the worker and gets back ---------------------------------------

interface DevicePlan {
  token: string;
  deviceId: string;
  clientId: string;
  /** Per round, the push bodies split around `sentAt` (filled in when sent, as the engine does). */
  rounds: { head: string; tail: string }[][];
}

interface WorkerInput {
  baseUrl: string;
  devices: DevicePlan[];
  pullLimit: number;
}

interface DeviceResult {
  /** Visit ids delivered by every pull, timed and catch-up, repeats kept. */
  delivered: string[];
  pushStatuses: Record<string, number>;
  pushLastMutationId: number;
  pullLastMutationId: number;
  pushes: number;
  pulls: number;
  failed: boolean;
}

interface WorkerOutput {
  wallMs: number;
  pushMs: number[];
  /** The pushes of the first round: all 200 devices push at once, before anyone pulls. */
  firstRoundPushMs: number[];
  pullMs: number[];
  errors: number;
  errorSamples: string[];
  devices: DeviceResult[];
}

// ---- the devices (worker thread) ----------------------------------------------------------------

interface PullPage {
  epoch: string;
  lastMutationId: number;
  hasMore: boolean;
  cursors: Record<string, string | null>;
  changes: { entity: string; op: string; id: string }[];
}

class CountedError extends Error {}

async function runDevices(input: WorkerInput): Promise<WorkerOutput> {
  const pushMs: number[] = [];
  const firstRoundPushMs: number[] = [];
  const pullMs: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  /** Counts an error once, keeps a few samples, and returns it to throw. */
  const counted = (what: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(what);
    return new CountedError(what);
  };

  const request = async (d: DevicePlan, path: string, body: string, into: number[] | null): Promise<unknown> => {
    const t0 = performance.now();
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${input.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${d.token}`, 'x-device-id': d.deviceId },
        body,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      into?.push(performance.now() - t0);
      throw counted(`${path}: ${String(err)}`);
    }
    into?.push(performance.now() - t0);
    if (status < 200 || status > 299) throw counted(`${path}: ${status} ${text.slice(0, 200)}`);
    return JSON.parse(text);
  };

  const results = input.devices.map(
    (): DeviceResult => ({ delivered: [], pushStatuses: {}, pushLastMutationId: 0, pullLastMutationId: 0, pushes: 0, pulls: 0, failed: false }),
  );
  const state = input.devices.map((): { epoch: string | null; cursors: Record<string, string | null> } => ({ epoch: null, cursors: {} }));

  const pullAll = async (i: number, timed: boolean) => {
    const d = input.devices[i]!;
    const r = results[i]!;
    const s = state[i]!;
    for (let page = 0; page < 1000; page++) {
      const body = JSON.stringify({ clientId: d.clientId, epoch: s.epoch, cursors: s.cursors, limit: input.pullLimit });
      const res = (await request(d, '/api/sync/pull', body, timed ? pullMs : null)) as PullPage;
      if (timed) r.pulls++;
      for (const c of res.changes) if (c.entity === 'visit' && c.op === 'put') r.delivered.push(c.id);
      s.epoch = res.epoch;
      s.cursors = res.cursors;
      r.pullLastMutationId = res.lastMutationId;
      if (!res.hasMore) return;
    }
    throw counted('/api/sync/pull: still hasMore after 1000 pages');
  };

  const device = async (i: number) => {
    const d = input.devices[i]!;
    const r = results[i]!;
    try {
      for (const [n, round] of d.rounds.entries()) {
        for (const part of round) {
          const res = (await request(d, '/api/sync/push', `${part.head}${new Date().toISOString()}${part.tail}`, n === 0 ? firstRoundPushMs : pushMs)) as {
            lastMutationId: number;
            results: { status: string }[];
          };
          r.pushes++;
          r.pushLastMutationId = res.lastMutationId;
          for (const x of res.results) r.pushStatuses[x.status] = (r.pushStatuses[x.status] ?? 0) + 1;
        }
        await pullAll(i, true);
      }
    } catch (err) {
      if (!(err instanceof CountedError)) counted(`device ${i}: ${String(err)}`);
      r.failed = true;
    }
  };

  const t0 = performance.now();
  await Promise.all(input.devices.map((_, i) => device(i)));
  const wallMs = performance.now() - t0;

  // Untimed: what colleagues pushed after a device's last pull, fetched so delivery can be checked.
  let next = 0;
  const catchUp = async () => {
    while (next < input.devices.length) {
      const i = next++;
      if (results[i]!.failed) continue;
      try {
        await pullAll(i, false);
      } catch (err) {
        if (!(err instanceof CountedError)) counted(`device ${i} (catch-up pull): ${String(err)}`);
        results[i]!.failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, catchUp));
  return { wallMs, pushMs: [...firstRoundPushMs, ...pushMs], firstRoundPushMs, pullMs, errors, errorSamples, devices: results };
}

if (!isMainThread && (workerData as { devicesBench?: boolean } | null)?.devicesBench) {
  const input = (workerData as { input: WorkerInput }).input;
  runDevices(input).then(
    (out) => parentPort!.postMessage(out),
    (err: unknown) => {
      throw err;
    },
  );
}

/** Runs the devices in a worker thread (this module, loaded through tsx). */
function inWorker(input: WorkerInput): Promise<WorkerOutput> {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, execArgv: [], workerData: { devicesBench: true, input } });
    worker.once('message', (out: WorkerOutput) => {
      resolve(out);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`device worker exited with ${code}`)));
  });
}

// ---- setup, verification and figures (main thread) ----------------------------------------------

/** CPU time of the whole machine so far, all cores (ms). */
function machineCpu(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

function line(o: Record<string, unknown>) {
  console.log(JSON.stringify(o));
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(quantile(s, 0.5)), p95: r(quantile(s, 0.95)), p99: r(quantile(s, 0.99)), max: r(s[s.length - 1] ?? NaN) };
}

function dataset() {
  const county: Region = { id: uuidv7(), parentId: null, level: 'county', name: '县', code: 'C1', boundary: null };
  const township: Region = { id: uuidv7(), parentId: county.id, level: 'township', name: '镇', code: 'T1', boundary: null };
  const grids: Region[] = Array.from({ length: GRIDS }, (_, g) => ({
    id: uuidv7(),
    parentId: township.id,
    level: 'grid',
    name: `网格${g + 1}`,
    code: `G${g + 1}`,
    boundary: null,
  }));
  const kinds = ['cafe', 'commercial_building', 'residential_building'] as const;
  const places: Place[] = grids.flatMap((grid, g) =>
    Array.from({ length: PLACES_PER_GRID }, (_, p) => ({
      id: uuidv7(),
      gridId: grid.id,
      kind: kinds[p % kinds.length]!,
      name: `场所${g + 1}-${p + 1}`,
      address: `某路${g * PLACES_PER_GRID + p + 1}号`,
      lat: 27.7,
      lng: 106.9,
      managerIds: [],
      riskLevel: 'low' as const,
      tags: [],
      note: null,
      version: 1,
    })),
  );
  const users: SeedUser[] = Array.from({ length: DEVICES }, (_, u) => ({
    id: uuidv7(),
    username: `dev${String(u + 1).padStart(3, '0')}`,
    displayName: `网格员${u + 1}`,
    role: 'grid_worker',
    regionId: grids[Math.floor(u / WORKERS_PER_GRID)]!.id,
    phone: null,
    certified: true,
    certificateNo: null,
    department: null,
    password: PASSWORD,
  }));
  return { regions: [county, township, ...grids], grids, places, users, templates: [template()] };
}

type Data = ReturnType<typeof dataset>;

/** A device's outbox: ROUNDS × VISITS_PER_ROUND visits in one hash chain, as push bodies. */
async function outbox(data: Data, u: number, deviceId: string, clientId: string) {
  const user = data.users[u]!;
  const tpl = data.templates[0]!;
  const places = data.places.filter((p) => p.gridId === user.regionId);
  let prevHash: string | null = null;
  const ids: string[] = [];
  const rounds: DevicePlan['rounds'] = [];
  let seq = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const round: DevicePlan['rounds'][number] = [];
    for (let b = 0; b < VISITS_PER_ROUND; b += PUSH_SIZE) {
      const mutations = [];
      for (let k = b; k < Math.min(b + PUSH_SIZE, VISITS_PER_ROUND); k++) {
        const n = r * VISITS_PER_ROUND + k;
        const v = await benchVisit({ n, placeId: places[n % places.length]!.id, userId: user.id, deviceId, template: tpl, prevHash, note: `巡查记录${u + 1}-${n + 1}` });
        prevHash = v.hash;
        ids.push(v.id);
        mutations.push({ seq: ++seq, name: 'visit.submit@1', args: { visit: v }, at: MUTATION_AT });
      }
      const [head, tail] = JSON.stringify({ clientId, sentAt: SENT_AT, mutations }).split(SENT_AT) as [string, string];
      round.push({ head, tail });
    }
    rounds.push(round);
  }
  return { ids, rounds, lastSeq: seq };
}

/** Signs every device in through the API, `LOGIN_CONCURRENCY` at a time. */
async function loginAll(baseUrl: string, data: Data): Promise<{ token: string; deviceId: string }[]> {
  const out = new Array<{ token: string; deviceId: string }>(DEVICES);
  let next = 0;
  const worker = async () => {
    while (next < DEVICES) {
      const u = next++;
      const deviceId = `bench-device-${String(u + 1).padStart(3, '0')}`;
      const res = await fetch(`${baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: data.users[u]!.username, password: PASSWORD, deviceId }),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`login ${data.users[u]!.username}: ${res.status} ${text}`);
      out[u] = { token: (JSON.parse(text) as { token: string }).token, deviceId };
    }
  };
  await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, worker));
  return out;
}

export async function run(): Promise<void> {
  const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    line({ bench: 'sync.devices', db: 'postgres', skipped: 'set DATABASE_URL or TEST_DATABASE_URL' });
    return;
  }
  const [{ buildApp }, { loadConfig }, { openDb }, { migrate }, { insertDataset }] = await Promise.all([
    import('../src/server/app'),
    import('../src/server/config'),
    import('../src/server/db/connect'),
    import('../src/server/db/migrate'),
    import('../src/server/seed/insert'),
  ]);

  const started = performance.now();
  const load1Before = loadavg()[0]!;
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  // application_name only labels the server's connections so they can be counted below.
  const db = await openDb({ databaseUrl: url, pgPoolConfig: { options: `-c search_path=${schema}`, application_name: schema } });
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let failure: string | null = null;
  try {
    await migrate(db.kysely);
    const data = dataset();
    await insertDataset(db.kysely, { ...data, subjects: [], ledgerEvents: [], tasks: [], visits: [], cases: [] });
    const setupMs = performance.now() - started;

    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: url, DATA_DIR: './data/bench-unused', SYNC_PULL_CONCURRENCY: process.env.SYNC_PULL_CONCURRENCY });
    app = await buildApp(config, { db, logger: false, clientDir: '/nonexistent' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const l0 = performance.now();
    const sessions = await loginAll(baseUrl, data);
    const loginMs = performance.now() - l0;

    const devices: DevicePlan[] = [];
    const pushedIds: string[] = [];
    const lastSeq = new Map<string, number>();
    for (let u = 0; u < DEVICES; u++) {
      const clientId = uuidv7();
      const { token, deviceId } = sessions[u]!;
      const box = await outbox(data, u, deviceId, clientId);
      pushedIds.push(...box.ids);
      lastSeq.set(clientId, box.lastSeq);
      devices.push({ token, deviceId, clientId, rounds: box.rounds });
    }

    // Where the time goes while the devices run: the server's event loop (this thread: how busy, how
    // late), this process's CPU (server, devices, V8's helper threads) and the whole machine's.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const load1 = loadavg()[0]!;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const machine0 = machineCpu();
    loopDelay.enable();
    const out = await inWorker({ baseUrl, devices, pullLimit: PULL_LIMIT });
    loopDelay.disable();
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const machine1 = machineCpu();

    // ---- verification ----
    const counts = await sql<{ n: number; distinct: number }>`SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM visits`.execute(db.kysely);
    const { n: stored, distinct } = counts.rows[0]!;
    const storedIds = new Set((await db.kysely.selectFrom('visits').select('id').execute()).map((r) => r.id));
    const pushedSet = new Set(pushedIds);
    const lost = pushedIds.filter((id) => !storedIds.has(id)).length;
    const unexpected = [...storedIds].filter((id) => !pushedSet.has(id)).length;
    const duplicated = stored - distinct + (pushedIds.length - pushedSet.size);

    const clients = await db.kysely.selectFrom('sync_client').select(['client_id', 'last_mutation_id']).execute();
    const clientLast = new Map(clients.map((c) => [c.client_id, Number(c.last_mutation_id)]));
    const lastMutationIdOk = devices.every(
      (d, u) => clientLast.get(d.clientId) === lastSeq.get(d.clientId) && out.devices[u]!.pushLastMutationId === lastSeq.get(d.clientId),
    );
    const failedDevices = out.devices.filter((r) => r.failed).length;
    // Group commit at work: the push transactions that recorded the batches (one per push without it).
    const txs = await sql<{ n: number }>`SELECT count(DISTINCT _xid::text)::int AS n FROM sync_batch`.execute(db.kysely);
    const pushTransactions = txs.rows[0]!.n;

    const byGrid = new Map<string, Set<string>>();
    for (const r of (await db.kysely.selectFrom('visits').select(['id', 'grid_id']).execute())) {
      const set = byGrid.get(r.grid_id!) ?? new Set<string>();
      set.add(r.id);
      byGrid.set(r.grid_id!, set);
    }
    const statusTotals: Record<string, number> = {};
    let pullLost = 0;
    let pullDuplicated = 0;
    let pullLastMutationIdOk = true;
    let pushes = 0;
    let pulls = 0;
    out.devices.forEach((r, u) => {
      pushes += r.pushes;
      pulls += r.pulls;
      for (const [k, v] of Object.entries(r.pushStatuses)) statusTotals[k] = (statusTotals[k] ?? 0) + v;
      const grid = byGrid.get(data.users[u]!.regionId) ?? new Set<string>();
      const got = new Set(r.delivered);
      pullDuplicated += r.delivered.length - got.size;
      for (const id of grid) if (!got.has(id)) pullLost++;
      if (r.pullLastMutationId !== lastSeq.get(devices[u]!.clientId)) pullLastMutationIdOk = false;
    });
    const records = pushedIds.length;
    const allApplied = (statusTotals.applied ?? 0) === records && Object.keys(statusTotals).length === 1;

    const conn = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [schema]);

    const push = stats(out.pushMs);
    const firstRound = stats(out.firstRoundPushMs);
    const laterRounds = stats(out.pushMs.slice(out.firstRoundPushMs.length));
    const pull = stats(out.pullMs);
    const verified = out.errors === 0 && failedDevices === 0 && lost === 0 && unexpected === 0 && duplicated === 0 && stored === records
      && lastMutationIdOk && allApplied && pullLost === 0 && pullDuplicated === 0 && pullLastMutationIdOk;
    line({
      bench: 'sync.devices',
      db: 'postgres',
      devices: DEVICES,
      rounds: ROUNDS,
      visitsPerRound: VISITS_PER_ROUND,
      pushSize: PUSH_SIZE,
      pullLimit: PULL_LIMIT,
      records,
      pushes,
      pulls,
      pushP50Ms: push.p50,
      pushP95Ms: push.p95,
      pushP99Ms: push.p99,
      pushMaxMs: push.max,
      // The first round is the thundering herd (every device pushing at once, nobody pulling yet);
      // the later rounds are pushes as devices come back from their pulls at their own pace.
      firstRoundPushP50Ms: firstRound.p50,
      firstRoundPushP95Ms: firstRound.p95,
      laterRoundsPushP50Ms: laterRounds.p50,
      laterRoundsPushP95Ms: laterRounds.p95,
      pullP50Ms: pull.p50,
      pullP95Ms: pull.p95,
      pullP99Ms: pull.p99,
      pullMaxMs: pull.max,
      pushTransactions,
      wallMs: Math.round(out.wallMs),
      perSec: Math.round(records / (out.wallMs / 1000)),
      errors: out.errors,
      failedDevices,
      lost,
      duplicated,
      unexpected,
      stored,
      allApplied,
      lastMutationIdOk,
      pullLost,
      pullDuplicated,
      pullLastMutationIdOk,
      budgetPushP95Ms: BUDGET_PUSH_P95_MS,
      withinBudget: verified && push.p95 <= BUDGET_PUSH_P95_MS,
      poolMax: POOL_MAX,
      poolConnectionsOpen: conn.rows[0]!.n,
      serverLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
      serverLoopDelayMaxMs: Math.round(loopDelay.max / 1e5) / 10,
      serverLoopUtilization: +elu.utilization.toFixed(2),
      processCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      machineCpuBusy: +(1 - (machine1.idle - machine0.idle) / (machine1.total - machine0.total)).toFixed(2),
      setupMs: Math.round(setupMs),
      loginMs: Math.round(loginMs),
      cpus: cpus().length,
      load1Before: +load1Before.toFixed(2),
      load1AtStart: +load1.toFixed(2),
      totalMs: Math.round(performance.now() - started),
    });
    if (out.errorSamples.length) line({ bench: 'sync.devices.errors', errors: out.errors, samples: out.errorSamples });
    if (!verified) {
      failure = `sync.devices failed: ${out.errors} errors, ${failedDevices} devices stopped, ${lost} visits lost and ${duplicated} duplicated on the server, `
        + `${pullLost} deliveries missing and ${pullDuplicated} repeated in pulls (see the figures above)`;
    }
  } finally {
    if (app) await app.close();
    await db.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  if (failure) throw new Error(failure);
}
