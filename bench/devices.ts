/**
 * 200 devices syncing at once against PostgreSQL (SPEC §12: no error, no lost or duplicated record,
 * p95 push latency ≤ 300 ms), through the real HTTP server.
 *
 * Setup (untimed): a fresh schema, migrated; one county, one township, 100 grids with 5 places each
 * and 2 grid workers each (one or two workers a grid, as SPEC §11's demo county has them), and the
 * bench checklist of bench/sync.ts. The real app (`buildApp`, production config, logger off) listens
 * on 127.0.0.1 with the product's PostgreSQL pool (openDb's default, max 10 connections). Every
 * visit, its device-local hash chain (`prevHash`) and every request body are built before the clock
 * starts. Then every device signs in through `POST /api/auth/login` on its own connection (4 at a
 * time: scrypt runs on libuv's 4 threads), as the app signs in before it syncs, and one more device,
 * alone in a grid of its own, syncs a field day and a herd push: the 200 devices meet a server that
 * has been running (code compiled, pool connections open), as a production server has.
 *
 * Timed, in two phases, each a sync cycle as the client engine runs it — push the outbox in one push
 * (the engine sends up to 500 mutations or 2 MB at a time), then pull until `hasMore` is false:
 *
 * - the field day (the budget): all 200 devices start together (Promise.all, no stagger) and each runs
 *   FIELD_ROUNDS cycles back to back, no pause between them, each pushing FIELD_PUSH visits — what
 *   the engine sends after a save or two (it syncs after each local write, debounced by a second).
 *   Back to back, 200 devices push far more often than grid workers save visits (one every few
 *   minutes), and every push is met by 199 other devices' pushes and pulls.
 * - the reconnect herd (reported, no budget): when every device has finished its field day, all 200
 *   come back online at the same instant, each with a day's work unsent — HERD_PUSH visits
 *   (SPEC §10: 20 a day) in one push — then pull. The whole herd's visits are in flight at once, so
 *   its latencies say how long the server takes to drain them; no p95 of 300 ms is possible for it
 *   on two cores (see README, Benchmarks).
 *
 * The first pull of a device is its initial snapshot (epoch null, no cursors); later pulls go on from
 * the cursors it got. Pull pages hold at most 500 changes.
 *
 * The devices run in a worker thread of this process with node:http (each device one keep-alive
 * connection, opened by its sign-in), so their own work — serialising, parsing pull pages — never
 * sits on the server's event loop; they still share the machine's two CPUs with the server and
 * PostgreSQL (fetch, tried first, cost the simulator several times the CPU per request). Each
 * request's latency is wall time from sending it to its body read. Nothing is retried: a non-2xx
 * answer or a network error counts as an error and ends that device's run.
 *
 * Verified afterwards: the database holds every pushed visit exactly once and nothing else, each
 * client's `sync_client.last_mutation_id` is its last seq, every push result was `applied`, and —
 * after one untimed catch-up pull per device, since a device that finished early cannot have seen
 * what its colleagues pushed later — every device was delivered each visit of its grid exactly once.
 *
 * Prints `sync.devices` (figures of the field day, which the budget is about — also split into its
 * first cycle, when 200 pushes arrive in the same instant, and the cycles after it — and of the herd;
 * verification; load; and `pushTransactions`: how many transactions recorded the pushes — fewer than
 * the pushes when group commit shares them); errors or a failed verification make the process fail
 * after the figures are printed. A missed latency budget is printed, not failed.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
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

const GRIDS = 100;
const WORKERS_PER_GRID = 2;
const DEVICES = GRIDS * WORKERS_PER_GRID;
const PLACES_PER_GRID = 5;
/** Field-day sync cycles per device, back to back. */
const FIELD_ROUNDS = 10;
/** Visits in each field-day push: a save or two, as the engine sends them. */
const FIELD_PUSH = 2;
/** Visits in each device's reconnect push: a day's work (SPEC §10, 20 visits a day). */
const HERD_PUSH = 20;
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
  username: string;
  deviceId: string;
  clientId: string;
  /** The field day's pushes, one per cycle, then the herd's one push. */
  field: PushBody[];
  herd: PushBody;
}

/** A push body split around `sentAt` (filled in when sent, as the engine does). */
interface PushBody {
  head: string;
  tail: string;
}

interface WorkerInput {
  baseUrl: string;
  password: string;
  devices: DevicePlan[];
  /** Signed in with the others and synced alone before the clock starts, in a grid of its own. */
  warmup: DevicePlan;
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

/** Latencies of one phase, and how long it took from its start to its last device's last pull. */
interface PhaseTimes {
  wallMs: number;
  /** The pushes of each device's first cycle of the phase: all 200 at the same instant. */
  firstPushMs: number[];
  laterPushMs: number[];
  pullMs: number[];
}

const newTimes = (): PhaseTimes => ({ wallMs: 0, firstPushMs: [], laterPushMs: [], pullMs: [] });

/** What the worker posts: once when the clock starts, once with the results. */
type WorkerMessage = { kind: 'started'; loginMs: number } | { kind: 'done'; out: WorkerOutput };

interface WorkerOutput {
  field: PhaseTimes;
  herd: PhaseTimes;
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
  const errorSamples: string[] = [];
  let errors = 0;
  /** Counts an error once, keeps a few samples, and returns it to throw. */
  const counted = (what: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(what);
    return new CountedError(what);
  };

  // node:http, each device with its own keep-alive connection (as a phone keeps one from sign-in on):
  // far less CPU per request than fetch, and the simulator shares the two cores with what it measures.
  const url = new URL(input.baseUrl);
  const agents = new Map<DevicePlan, http.Agent>();
  const tokens = new Map<DevicePlan, string>();
  const agentOf = (d: DevicePlan) => {
    let agent = agents.get(d);
    if (!agent) agents.set(d, (agent = new http.Agent({ keepAlive: true, maxSockets: 1 })));
    return agent;
  };
  const post = (d: DevicePlan, path: string, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          agent: agentOf(d),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(tokens.has(d) ? { authorization: `Bearer ${tokens.get(d)}`, 'x-device-id': d.deviceId } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  /** Signs `d` in through the API, on its own connection. */
  const signIn = async (d: DevicePlan) => {
    const { status, text } = await post(d, '/api/auth/login', JSON.stringify({ username: d.username, password: input.password, deviceId: d.deviceId }));
    if (status !== 200) throw new Error(`login ${d.username}: ${status} ${text}`);
    tokens.set(d, (JSON.parse(text) as { token: string }).token);
  };

  /** Posts `body`; its latency goes into `into`. */
  const request = async (d: DevicePlan, path: string, body: string, into: number[] | null): Promise<unknown> => {
    const t0 = performance.now();
    let status: number;
    let text: string;
    try {
      ({ status, text } = await post(d, path, body));
    } catch (err) {
      into?.push(performance.now() - t0);
      throw counted(`${path}: ${String(err)}`);
    }
    into?.push(performance.now() - t0);
    if (status < 200 || status > 299) throw counted(`${path}: ${status} ${text.slice(0, 200)}`);
    return JSON.parse(text);
  };

  const all = [...input.devices, input.warmup];
  const results = all.map(
    (): DeviceResult => ({ delivered: [], pushStatuses: {}, pushLastMutationId: 0, pullLastMutationId: 0, pushes: 0, pulls: 0, failed: false }),
  );
  const state = all.map((): { epoch: string | null; cursors: Record<string, string | null> } => ({ epoch: null, cursors: {} }));

  const pullAll = async (i: number, times: PhaseTimes | null) => {
    const d = all[i]!;
    const r = results[i]!;
    const s = state[i]!;
    for (let page = 0; page < 1000; page++) {
      const body = JSON.stringify({ clientId: d.clientId, epoch: s.epoch, cursors: s.cursors, limit: input.pullLimit });
      const res = (await request(d, '/api/sync/pull', body, times?.pullMs ?? null)) as PullPage;
      if (times) r.pulls++;
      for (const c of res.changes) if (c.entity === 'visit' && c.op === 'put') r.delivered.push(c.id);
      s.epoch = res.epoch;
      s.cursors = res.cursors;
      r.pullLastMutationId = res.lastMutationId;
      if (!res.hasMore) return;
    }
    throw counted('/api/sync/pull: still hasMore after 1000 pages');
  };

  /** One sync cycle: push `body`, then pull to the end. */
  const cycle = async (i: number, body: PushBody, times: PhaseTimes, first: boolean) => {
    const d = all[i]!;
    const r = results[i]!;
    const res = (await request(d, '/api/sync/push', `${body.head}${new Date().toISOString()}${body.tail}`, first ? times.firstPushMs : times.laterPushMs)) as {
      lastMutationId: number;
      results: { status: string }[];
    };
    r.pushes++;
    r.pushLastMutationId = res.lastMutationId;
    for (const x of res.results) r.pushStatuses[x.status] = (r.pushStatuses[x.status] ?? 0) + 1;
    await pullAll(i, times);
  };

  /** Runs `work` on every device still running, all at once; a failure ends that device's run. */
  const phase = async (work: (i: number, times: PhaseTimes) => Promise<void>): Promise<PhaseTimes> => {
    const times = newTimes();
    const t0 = performance.now();
    await Promise.all(
      input.devices.map(async (_, i) => {
        if (results[i]!.failed) return;
        try {
          await work(i, times);
        } catch (err) {
          if (!(err instanceof CountedError)) counted(`device ${i}: ${String(err)}`);
          results[i]!.failed = true;
        }
      }),
    );
    times.wallMs = performance.now() - t0;
    return times;
  };

  // Untimed: every device signs in (scrypt runs on libuv's 4 threads: 4 at a time), then the warm-up
  // device syncs its day alone.
  const l0 = performance.now();
  let nextLogin = 0;
  await Promise.all(
    Array.from({ length: LOGIN_CONCURRENCY }, async () => {
      while (nextLogin < all.length) await signIn(all[nextLogin++]!);
    }),
  );
  const loginMs = performance.now() - l0;
  const warm = all.length - 1;
  const untimed = newTimes();
  // A warm-up that fails throws, and the worker with it.
  for (const body of [...input.warmup.field, input.warmup.herd]) await cycle(warm, body, untimed, false);
  parentPort?.postMessage({ kind: 'started', loginMs } satisfies WorkerMessage);

  const field = await phase(async (i, times) => {
    for (const [n, body] of input.devices[i]!.field.entries()) await cycle(i, body, times, n === 0);
  });
  const herd = await phase((i, times) => cycle(i, input.devices[i]!.herd, times, true));

  // Untimed: what colleagues pushed after a device's last pull, fetched so delivery can be checked.
  let next = 0;
  const catchUp = async () => {
    while (next < input.devices.length) {
      const i = next++;
      if (results[i]!.failed) continue;
      try {
        await pullAll(i, null);
      } catch (err) {
        if (!(err instanceof CountedError)) counted(`device ${i} (catch-up pull): ${String(err)}`);
        results[i]!.failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, catchUp));
  return { field, herd, errors, errorSamples, devices: results.slice(0, input.devices.length) };
}

if (!isMainThread && (workerData as { devicesBench?: boolean } | null)?.devicesBench) {
  const input = (workerData as { input: WorkerInput }).input;
  runDevices(input).then(
    (out) => parentPort!.postMessage({ kind: 'done', out } satisfies WorkerMessage),
    (err: unknown) => {
      throw err;
    },
  );
}

/** Runs the devices in a worker thread (this module, loaded through tsx); `onStart` when the clock starts. */
function inWorker(input: WorkerInput, onStart: (loginMs: number) => void): Promise<WorkerOutput> {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, execArgv: [], workerData: { devicesBench: true, input } });
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'started') return onStart(m.loginMs);
      resolve(m.out);
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
  // One grid more, of the warm-up device's own.
  const grids: Region[] = Array.from({ length: GRIDS + 1 }, (_, g) => ({
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
  // One user more: the warm-up device, in the last grid.
  const users: SeedUser[] = Array.from({ length: DEVICES + 1 }, (_, u) => ({
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

/** A device's outbox in one hash chain: the field day's pushes, then the herd's, as push bodies. */
async function outbox(data: Data, u: number, deviceId: string, clientId: string) {
  const user = data.users[u]!;
  const tpl = data.templates[0]!;
  const places = data.places.filter((p) => p.gridId === user.regionId);
  let prevHash: string | null = null;
  const ids: string[] = [];
  let seq = 0;
  const push = async (visits: number): Promise<PushBody> => {
    const mutations = [];
    for (let k = 0; k < visits; k++) {
      const n = ids.length;
      const v = await benchVisit({ n, placeId: places[n % places.length]!.id, userId: user.id, deviceId, template: tpl, prevHash, note: `巡查记录${u + 1}-${n + 1}` });
      prevHash = v.hash;
      ids.push(v.id);
      mutations.push({ seq: ++seq, name: 'visit.submit@1', args: { visit: v }, at: MUTATION_AT });
    }
    const [head, tail] = JSON.stringify({ clientId, sentAt: SENT_AT, mutations }).split(SENT_AT) as [string, string];
    return { head, tail };
  };
  const field: PushBody[] = [];
  for (let r = 0; r < FIELD_ROUNDS; r++) field.push(await push(FIELD_PUSH));
  const herd = await push(HERD_PUSH);
  return { ids, field, herd, lastSeq: seq };
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

    const pushedIds: string[] = [];
    const lastSeq = new Map<string, number>();
    const plan = async (u: number): Promise<{ plan: DevicePlan; ids: string[] }> => {
      const clientId = uuidv7();
      const deviceId = `bench-device-${String(u + 1).padStart(3, '0')}`;
      const box = await outbox(data, u, deviceId, clientId);
      lastSeq.set(clientId, box.lastSeq);
      return { plan: { username: data.users[u]!.username, deviceId, clientId, field: box.field, herd: box.herd }, ids: box.ids };
    };
    const devices: DevicePlan[] = [];
    for (let u = 0; u < DEVICES; u++) {
      const p = await plan(u);
      devices.push(p.plan);
      pushedIds.push(...p.ids);
    }
    // The warm-up device: the last user, alone in the last grid.
    const { plan: warmup } = await plan(DEVICES);
    const warmGrid = data.grids[GRIDS]!.id;

    // Where the time goes while the devices run (from when the clock starts): the server's event loop
    // (this thread: how busy, how late), this process's CPU (server, devices, V8's helper threads) and
    // the whole machine's.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    let load1 = 0;
    let loginMs = 0;
    let cpu0 = process.cpuUsage();
    let elu0 = performance.eventLoopUtilization();
    let machine0 = machineCpu();
    const out = await inWorker({ baseUrl, password: PASSWORD, devices, warmup, pullLimit: PULL_LIMIT }, (ms) => {
      loginMs = ms;
      load1 = loadavg()[0]!;
      cpu0 = process.cpuUsage();
      elu0 = performance.eventLoopUtilization();
      machine0 = machineCpu();
      loopDelay.enable();
    });
    loopDelay.disable();
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const machine1 = machineCpu();

    // ---- verification ----
    // The warm-up device's visits, in its own grid, are left out.
    const counts = await sql<{ n: number; distinct: number }>`
      SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM visits WHERE grid_id <> ${warmGrid}`.execute(db.kysely);
    const { n: stored, distinct } = counts.rows[0]!;
    const storedIds = new Set((await db.kysely.selectFrom('visits').select('id').where('grid_id', '<>', warmGrid).execute()).map((r) => r.id));
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
    const txs = await sql<{ n: number }>`SELECT count(DISTINCT _xid::text)::int AS n FROM sync_batch WHERE client_id <> ${warmup.clientId}`.execute(db.kysely);
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

    const pushesOf = (t: PhaseTimes) => [...t.firstPushMs, ...t.laterPushMs];
    const field = { push: stats(pushesOf(out.field)), first: stats(out.field.firstPushMs), later: stats(out.field.laterPushMs), pull: stats(out.field.pullMs) };
    const herd = { push: stats(pushesOf(out.herd)), pull: stats(out.herd.pullMs) };
    const verified = out.errors === 0 && failedDevices === 0 && lost === 0 && unexpected === 0 && duplicated === 0 && stored === records
      && lastMutationIdOk && allApplied && pullLost === 0 && pullDuplicated === 0 && pullLastMutationIdOk;
    line({
      bench: 'sync.devices',
      db: 'postgres',
      devices: DEVICES,
      grids: GRIDS,
      fieldRounds: FIELD_ROUNDS,
      fieldPush: FIELD_PUSH,
      herdPush: HERD_PUSH,
      pullLimit: PULL_LIMIT,
      records,
      pushes,
      pulls,
      // The field day: 200 devices syncing at once, cycle after cycle (the budget).
      pushP50Ms: field.push.p50,
      pushP95Ms: field.push.p95,
      pushP99Ms: field.push.p99,
      pushMaxMs: field.push.max,
      // Of these, the first cycle (200 pushes in the same instant) and the cycles after it.
      firstCyclePushP50Ms: field.first.p50,
      firstCyclePushP95Ms: field.first.p95,
      laterCyclesPushP50Ms: field.later.p50,
      laterCyclesPushP95Ms: field.later.p95,
      pullP50Ms: field.pull.p50,
      pullP95Ms: field.pull.p95,
      pullMaxMs: field.pull.max,
      fieldWallMs: Math.round(out.field.wallMs),
      fieldPerSec: Math.round((DEVICES * FIELD_ROUNDS * FIELD_PUSH) / (out.field.wallMs / 1000)),
      // The reconnect herd: 200 days' work pushed in the same instant (reported, no budget).
      herdPushP50Ms: herd.push.p50,
      herdPushP95Ms: herd.push.p95,
      herdPushMaxMs: herd.push.max,
      herdPullP95Ms: herd.pull.p95,
      herdWallMs: Math.round(out.herd.wallMs),
      herdPerSec: Math.round((DEVICES * HERD_PUSH) / (out.herd.wallMs / 1000)),
      pushTransactions,
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
      withinBudget: verified && field.push.p95 <= BUDGET_PUSH_P95_MS,
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
