/**
 * Sync throughput (SPEC §12): 10,000 visit-sized records (25 answers with short realistic values, valid
 * hashes, no padding — about 1.9 KB of JSON each, the least a 25-answer visit of the §3 schema takes)
 * pushed in batches of 500 through the real push service (the wire JSON parsed, argument validation,
 * hash check, checklist rules, savepoint scheme, batch record and audit), pulled back in pages of 500
 * through the real pull service, and the same rows inserted raw in batches of 500 into the same table,
 * on PGlite and — when DATABASE_URL or TEST_DATABASE_URL is set — on PostgreSQL in a fresh schema.
 *
 * PGlite keeps its data in a fresh directory on disk, as `npm start` does (DATA_DIR/pg), not in memory,
 * and its pool runs the autovacuum the server's does (src/server/db/autovacuum.ts) during every phase.
 *
 * The raw baseline is the faster of two plain batched INSERTs of the very rows the push writes (same
 * columns, same document, same server columns, 500 rows per statement, parameterised): a multi-row
 * VALUES with one parameter per column, and INSERT … SELECT over a jsonb array of the fields and a
 * json array of the documents (the statement the push itself uses, visit-insert.ts). Each timing includes turning the visit objects into the
 * statement's parameters. Before each phase the table is emptied with TRUNCATE, so every phase starts
 * from the same empty table. Every phase runs twice, untimed and then timed, as the PouchDB side does:
 * the timed run measures code the process has already compiled, whichever phase comes first. The push
 * and the raw INSERT … SELECT it is compared with are then timed in ROUNDS alternating rounds, and
 * report their median round.
 *
 * The comparison the §12 budget names (bench/pouchdb.ts, on the PGlite run only): the same visits as
 * PouchDB 9 documents (`_id` = the visit's id, its other fields as they are) replicated with
 * `PouchDB.replicate` in batches of 500 from a memory-adapter PouchDB to express-pouchdb (the
 * pouchdb-server project's CouchDB-compatible server, memory adapter) listening on 127.0.0.1 in this
 * process, then from there into a fresh empty PouchDB; one untimed round first, then a timed one.
 * `sync.pouchdb.push` / `sync.pouchdb.pull` print its rates, and `sync.ratio` adds ours over PouchDB's
 * (`pushToPouchdb`, `pullToPouchdb`; the budget asks for at least 2). PouchDB's figures include
 * loopback HTTP on both sides of the wire, so ours for that comparison do too: `sync.push.http` and
 * `sync.pull.http` send the same batches through the real server listening on 127.0.0.1 (sign-in,
 * routing, body limits, the response read and parsed by fetch), into an emptied visits table, as the
 * app sends them: each push body gzip-compressed (src/client/sync/transport.ts) and each pull answer
 * taken compressed (fetch asks for gzip, as a browser over HTTP does). The request bodies are the
 * device's work and are prepared, as bytes, before the clock starts. `sync.push.http.plain` and
 * `sync.pull.http.plain` are the same without compression either way, as PouchDB sends and receives.
 *
 * Every line carries `ms`, the timed run's wall time; our own phases' lines also `dbMs`, the part of
 * it spent in database queries (see `dbClock`); `sync.ratio`'s `pushDbToRaw` sets the push's query time
 * against the raw insert's whole time.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { sql, type KyselyConfig } from 'kysely';
import { visitHash } from '../src/domain/canonical';
import type { ChecklistTemplate, Visit } from '../src/domain/entities';
import { uuidv7 } from '../src/domain/ids';
import { pushRequestSchema, pullRequestSchema, type Mutation, type PullRequest, type PullResponse, type PushResponse } from '../src/domain/sync';
import { buildApp } from '../src/server/app';
import { loadConfig } from '../src/server/config';
import { openDb, type Db } from '../src/server/db/connect';
import { migrate } from '../src/server/db/migrate';
import { insertDataset } from '../src/server/seed/insert';
import type { Viewer } from '../src/server/scope/viewer';
import { decodeBody, PreworkPool } from '../src/server/sync/prework';
import { push } from '../src/server/sync/push';
import { pull, pullResponseJson } from '../src/server/sync/pull';
import { visitToRow } from '../src/server/visits/rows';
import { insertVisitsWith, visitInsertParams, type VisitInsert } from '../src/server/sync/visit-insert';
import { measure, type Rate } from './measure';
import { pouchRates } from './pouchdb';

const RECORDS = 10_000;
const BATCH = 500;

/** 25 items as a real checklist mixes them: yes/no checks, head counts, opening times, a choice. */
const ITEMS: { kind: 'yesno' | 'number' | 'time' | 'choice'; text: string; options?: string[] }[] = [
  ...['是否悬挂招生广告', '是否有学生在场', '是否使用学科教材', '是否收取费用', '是否有教学白板', '是否张贴课程表',
    '是否有在职教师授课', '是否有住宿学生', '是否提供餐食', '是否有消防隐患', '是否有安全出口', '是否有监控设备',
    '是否登记学生信息', '是否有线上授课', '是否与学校合作', '是否有宣传材料', '是否已办理证照', '是否配合检查'].map((text) => ({ kind: 'yesno' as const, text })),
  { kind: 'number', text: '在场学生人数' },
  { kind: 'number', text: '在场教师人数' },
  { kind: 'number', text: '教室数量' },
  { kind: 'time', text: '开始营业时间' },
  { kind: 'time', text: '结束营业时间' },
  { kind: 'choice', text: '场所状态', options: ['营业', '停业', '无人'] },
  { kind: 'choice', text: '配合程度', options: ['配合', '一般', '拒绝'] },
];

export function template(): ChecklistTemplate {
  return {
    id: uuidv7(),
    code: 'bench',
    version: 1,
    title: '基准检查表',
    appliesTo: {},
    sections: [{ code: 'A', title: '培训主体', category: 'subject' }],
    items: ITEMS.map((it, i) => ({
      code: `A${i + 1}`,
      section: 'A',
      text: it.text,
      kind: it.kind,
      ...(it.kind === 'yesno' ? { violationWhen: true } : {}),
      ...(it.options ? { options: it.options } : {}),
      evidenceOnViolation: false,
      category: 'subject' as const,
    })),
  };
}

/** A plausible answer to item `i` of visit `n`: no violation, short values. */
export function answer(i: number, n: number): boolean | number | string {
  const it = ITEMS[i]!;
  switch (it.kind) {
    case 'yesno':
      return false;
    case 'number':
      return (n + i) % 7;
    case 'time':
      return i % 2 ? '21:00' : '08:30';
    case 'choice':
      return it.options![n % 2]!;
  }
}

/** Visit `n` of the bench: the 25 answers of `answer`, no violation, hashed and chained to `prevHash`. */
export async function benchVisit(o: { n: number; placeId: string; userId: string; deviceId: string; template: ChecklistTemplate; prevHash: string | null; note: string }): Promise<Visit> {
  const v: Visit = {
    id: uuidv7(),
    taskId: null,
    placeId: o.placeId,
    subjectIds: [],
    inspectorIds: [o.userId],
    shift: 'day',
    style: 'open',
    unannounced: false,
    organization: 'routine',
    startedAt: '2025-05-12T10:00:00+08:00',
    endedAt: '2025-05-12T10:20:00+08:00',
    position: { lat: 27.7, lng: 106.9, accuracy: 12, at: '2025-05-12T10:01:00+08:00' },
    distanceM: 8,
    templateId: o.template.id,
    templateVersion: o.template.version,
    answers: o.template.items.map((it, j) => ({ itemCode: it.code, value: answer(j, o.n), evidence: [] })),
    findings: [],
    outcome: 'no_issue',
    note: o.note,
    deviceId: o.deviceId,
    clockOffsetMs: 0,
    hash: '',
    prevHash: o.prevHash,
  };
  v.hash = await visitHash(v);
  return v;
}

export async function setup(db: Db) {
  const county = { id: uuidv7(), parentId: null, level: 'county' as const, name: '县', code: 'C1', boundary: null };
  const township = { id: uuidv7(), parentId: county.id, level: 'township' as const, name: '镇', code: 'T1', boundary: null };
  const grid = { id: uuidv7(), parentId: township.id, level: 'grid' as const, name: '网格', code: 'G1', boundary: null };
  const user = { id: uuidv7(), username: 'bench', displayName: '基准', role: 'grid_worker' as const, regionId: grid.id, phone: null, certified: true, certificateNo: null, department: null, password: 'bench-password' };
  const place = { id: uuidv7(), gridId: grid.id, kind: 'cafe' as const, name: '咖啡馆', address: '某路1号', lat: 27.7, lng: 106.9, managerIds: [], riskLevel: 'low' as const, tags: [], note: null, version: 1 };
  const tpl = template();
  await insertDataset(db.kysely, { regions: [county, township, grid], users: [user], templates: [tpl], places: [place], subjects: [], ledgerEvents: [], tasks: [], visits: [], cases: [] });
  const gridRow = await db.kysely.selectFrom('regions').selectAll().where('id', '=', grid.id).executeTakeFirstOrThrow();
  const deviceId = 'bench-device';
  const viewer: Viewer = {
    user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, regionId: grid.id, phone: null, certified: true, certificateNo: null, department: null },
    deviceId,
    tokenHash: '',
    region: gridRow,
    regionPath: [gridRow],
    scope: { kind: 'grids', gridIds: [grid.id] },
  };
  let prevHash: string | null = null;
  const visits: Visit[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const v = await benchVisit({ n: i, placeId: place.id, userId: user.id, deviceId, template: tpl, prevHash, note: `巡查记录${i}` });
    prevHash = v.hash;
    visits.push(v);
  }
  return { viewer, visits, grid: gridRow };
}

function line(o: Record<string, unknown>) {
  console.log(JSON.stringify(o));
}

/**
 * Milliseconds spent in database queries, summed from Kysely's query log (each query from the moment
 * it is handed to the driver until its result is back; inside a transaction the connection is already
 * held, so no wait for it counts). On PGlite that is the database's own work, in this thread, for
 * queries awaited one by one; the visit INSERTs a push sends without waiting (push.ts, PIPELINE_ROWS)
 * count their whole time in flight, the JavaScript that runs meanwhile included. It shows where a
 * push's time goes beside the raw insert's, run by run.
 */
const dbClock = { ms: 0 };
const logQueries: KyselyConfig['log'] = (event) => {
  if (event.level === 'query') dbClock.ms += event.queryDurationMillis;
};

/** A rate, with the part of its wall time spent in database queries. */
interface Timed extends Rate {
  dbMs: number;
}

async function measured(work: () => Promise<void>): Promise<Timed> {
  const db0 = dbClock.ms;
  const r = await measure(RECORDS, work);
  return { ...r, dbMs: dbClock.ms - db0 };
}

/**
 * Timed rounds of the raw insert and of the push, alternating, after one untimed run of each: this
 * machine's speed drifts by tens of percent within a minute, so each round sets a push against the
 * raw insert run just before it (`pushToRawRounds`), and their figures are the median round's.
 */
const ROUNDS = 3;

/** The round with the median rate (its wall and query times with it). */
function median(rounds: readonly Timed[]): Timed {
  return [...rounds].sort((a, b) => a.perSec - b.perSec)[rounds.length >> 1]!;
}

/** Pages of BATCH, each timed with the work that turns the visits into its statement. */
function timed(run: (from: number, to: number) => Promise<void>): Promise<Timed> {
  return measured(async () => {
    for (let i = 0; i < RECORDS; i += BATCH) await run(i, Math.min(i + BATCH, RECORDS));
  });
}

/** A phase run once untimed, then again, timed; `reset` empties what the first run left. */
async function warmedUp(phase: () => Promise<Timed>, reset: () => Promise<unknown>): Promise<Timed> {
  await phase();
  await reset();
  return phase();
}

interface PulledPage {
  changes: { entity: string }[];
  cursors: PullRequest['cursors'];
  epoch: string;
  hasMore: boolean;
}

/** Pulls pages of BATCH from a fresh start until the server has no more; every visit must arrive. */
function pullToEnd(clientId: string, page: (request: PullRequest) => Promise<PulledPage>): Promise<Timed> {
  return measured(async () => {
    let request: PullRequest = { clientId, epoch: null, cursors: {}, limit: BATCH };
    let got = 0;
    for (;;) {
      const res = await page(request);
      got += res.changes.filter((c) => c.entity === 'visit').length;
      request = { ...request, epoch: res.epoch, cursors: res.cursors };
      if (!res.hasMore) break;
    }
    if (got !== RECORDS) throw new Error(`pulled ${got} visits, expected ${RECORDS}`);
  });
}

const rate = (r: Rate | Timed) => ({
  perSec: Math.round(r.perSec),
  cpuPerSec: Math.round(r.cpuPerSec),
  ms: Math.round(r.ms),
  ...('dbMs' in r ? { dbMs: Math.round(r.dbMs) } : {}),
});

/**
 * The push request bodies of a new client, as bytes on the wire (serialising them is the device's
 * work, not the server's).
 */
function bodiesFor(visits: readonly Visit[], clientId = uuidv7()): { clientId: string; bodies: Map<number, Buffer<ArrayBuffer>> } {
  const mutations: Mutation[] = visits.map((visit, i) => ({ seq: i + 1, name: 'visit.submit@1', args: { visit }, at: '2025-05-12T02:20:00.000Z' }));
  const sentAt = new Date().toISOString();
  const bodies = new Map<number, Buffer<ArrayBuffer>>();
  for (let i = 0; i < RECORDS; i += BATCH) bodies.set(i, Buffer.from(JSON.stringify({ clientId, sentAt, mutations: mutations.slice(i, i + BATCH) })));
  return { clientId, bodies };
}

/**
 * Push and pull through the real server listening on 127.0.0.1, signed in as the bench user: the
 * device's side of the wire is fetch, the request bodies prepared, each response read and parsed.
 * `compressed`: push bodies gzip-compressed and pull answers taken compressed, as the app does;
 * otherwise both plain.
 */
async function overHttp(db: Db, visits: readonly Visit[], compressed: boolean, reset: () => Promise<unknown>): Promise<{ push: Timed; pull: Timed }> {
  const app = await buildApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: './data/bench-unused' }), { db, clientDir: '/nonexistent', logger: false });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const deviceId = 'bench-device';
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench-password', deviceId }),
    });
    if (!login.ok) throw new Error(`login failed: ${login.status}`);
    const { token } = (await login.json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-device-id': deviceId };
    const post = async (path: string, body: Buffer<ArrayBuffer>, extra: Record<string, string> = {}) => {
      const res = await fetch(base + path, { method: 'POST', headers: { ...headers, ...(compressed ? {} : { 'accept-encoding': 'identity' }), ...extra }, body });
      const json: unknown = await res.json();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    let clientId = '';
    const push = await warmedUp(() => {
      const prepared = bodiesFor(visits);
      clientId = prepared.clientId;
      const bodies = new Map([...prepared.bodies].map(([a, bytes]) => [a, compressed ? gzipSync(bytes) : bytes] as const));
      return timed(async (a) => {
        const res = (await post('/api/sync/push', bodies.get(a)!, compressed ? { 'content-encoding': 'gzip' } : {})) as PushResponse;
        if (res.results.some((r) => r.status !== 'applied')) throw new Error(`push failed: ${JSON.stringify(res.results.find((r) => r.status !== 'applied'))}`);
      });
    }, reset);
    const pull = await warmedUp(
      () => pullToEnd(clientId, async (request) => (await post('/api/sync/pull', Buffer.from(JSON.stringify(request)))) as PullResponse),
      () => Promise.resolve(),
    );
    return { push, pull };
  } finally {
    await app.close();
  }
}

async function benchOn(label: 'pglite' | 'postgres', db: Db) {
  await migrate(db.kysely);
  const { viewer, visits, grid } = await setup(db);
  const bytesPerRecord = Math.round(visits.reduce((n, v) => n + Buffer.byteLength(JSON.stringify(v)), 0) / visits.length);
  // No row of another table refers to visits (and no row trigger fires): every phase starts empty.
  const empty = () => sql`TRUNCATE visits`.execute(db.kysely);
  // The push route's worker thread for the prework of large pushes (prework.ts).
  const prework = new PreworkPool({ onError: (err) => console.error('prework worker failed:', err) });

  // The rows exactly as the push writes them: the server's columns included.
  const keys = { county_id: grid.county_id, township_id: grid.township_id, grid_id: grid.id };
  const receivedAt = new Date();
  const inserts: VisitInsert[] = visits.map((visit) => ({ visit, keys, flags: [], clockOffsetMs: 0, receivedAt }));
  const values = await warmedUp(
    () =>
      timed((a, b) =>
        db.kysely
          .insertInto('visits')
          .values(inserts.slice(a, b).map((r) => ({ ...visitToRow(r.visit, r.keys), clock_offset_ms: r.clockOffsetMs, flags: r.flags, received_at: r.receivedAt })))
          .execute()
          .then(() => undefined),
      ),
    empty,
  );
  await empty();

  // The raw insert the push itself uses and the push, in rounds that alternate (see ROUNDS).
  const rawRound = () =>
    timed(async (a, b) => {
      await insertVisitsWith(db.kysely, visitInsertParams(inserts.slice(a, b)));
    });
  let clientId = '';
  const pushRound = () => {
    const prepared = bodiesFor(visits);
    clientId = prepared.clientId;
    return timed(async (a) => {
      // What the route does: the body's bytes handed to the worker thread for its prework, decoded
      // and parsed here and validated, then the service.
      const body = prepared.bodies.get(a)!;
      const job = prework.start(body);
      const res = await push(db.kysely, viewer, pushRequestSchema.parse(JSON.parse(decodeBody(body))), { prework: job });
      if (res.results.some((r) => r.status !== 'applied')) throw new Error(`push failed: ${JSON.stringify(res.results.find((r) => r.status !== 'applied'))}`);
    });
  };
  await rawRound();
  await empty();
  await pushRound();
  const selects: Timed[] = [];
  const pushes: Timed[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    await empty();
    selects.push(await rawRound());
    await empty();
    pushes.push(await pushRound()); // the last round's visits stay for the pulls
  }
  const select = median(selects);
  const pushed = median(pushes);
  const raw = select.perSec >= values.perSec ? select : values;
  const rawMethod = raw === select ? 'insertSelect' : 'multiRowValues';
  const pushToRawRounds = pushes.map((p, r) => +(p.perSec / Math.max(selects[r]!.perSec, values.perSec)).toFixed(2));

  const pulled = await warmedUp(
    () =>
      pullToEnd(clientId, async (request) => {
        const res = await pull(db.kysely, viewer, pullRequestSchema.parse(request));
        pullResponseJson(res); // the response as the route writes it
        return res;
      }),
    () => Promise.resolve(),
  );

  // The same push and pull as a device makes them: over loopback HTTP through the real server (auth,
  // routing, body parsing and the response on the wire), so the comparison with PouchDB, whose figures
  // include HTTP on both sides, is like for like.
  await empty();
  const http = await overHttp(db, visits, true, empty);
  await empty();
  const plain = await overHttp(db, visits, false, empty);

  // PouchDB does not depend on our database: measured once, next to the PGlite run.
  await prework.close();
  const pouch = label === 'pglite' ? await pouchRates(visits, BATCH) : null;

  const common = { db: label, records: RECORDS, bytesPerRecord };
  const rounds = (list: readonly Timed[]) => ({ rounds: list.length, perSecRounds: list.map((r) => Math.round(r.perSec)) });
  line({ bench: 'sync.rawInsert', ...common, method: rawMethod, ...rate(raw), ...(raw === select ? rounds(selects) : {}) });
  line({ bench: 'sync.rawInsert.multiRowValues', ...common, ...rate(values) });
  line({ bench: 'sync.rawInsert.insertSelect', ...common, ...rate(select), ...rounds(selects) });
  line({ bench: 'sync.push', ...common, ...rate(pushed), ...rounds(pushes) });
  line({ bench: 'sync.pull', ...common, ...rate(pulled) });
  line({ bench: 'sync.push.http', ...common, compressed: true, ...rate(http.push) });
  line({ bench: 'sync.pull.http', ...common, compressed: true, ...rate(http.pull) });
  line({ bench: 'sync.push.http.plain', ...common, compressed: false, ...rate(plain.push) });
  line({ bench: 'sync.pull.http.plain', ...common, compressed: false, ...rate(plain.pull) });
  if (pouch) {
    const pouchCommon = { records: pouch.records, bytesPerRecord: pouch.bytesPerRecord };
    line({ bench: 'sync.pouchdb.push', ...pouchCommon, ...rate(pouch.push) });
    line({ bench: 'sync.pouchdb.pull', ...pouchCommon, ...rate(pouch.pull) });
  }
  const ratio = (a: Rate, b: Rate) => +(a.perSec / b.perSec).toFixed(2);
  line({
    bench: 'sync.ratio',
    db: label,
    pushToRaw: ratio(pushed, raw),
    pushToRawRounds,
    pullToRaw: ratio(pulled, raw),
    pushToRawCpu: +(pushed.cpuPerSec / raw.cpuPerSec).toFixed(2),
    // The push's time in database queries over the raw insert's whole time (see dbClock: with the
    // push's INSERTs in flight while it decides, an upper bound of the database's share).
    pushDbToRaw: +(pushed.dbMs / raw.ms).toFixed(2),
    ...(pouch
      ? {
          pushToPouchdb: ratio(http.push, pouch.push),
          pullToPouchdb: ratio(http.pull, pouch.pull),
          plainPushToPouchdb: ratio(plain.push, pouch.push),
          plainPullToPouchdb: ratio(plain.pull, pouch.pull),
        }
      : {}),
  });
}

export async function run(): Promise<void> {
  // On disk, as the server keeps it (DATA_DIR/pg).
  const dir = mkdtempSync(join(tmpdir(), 'grid-patrol-bench-sync-'));
  const lite = await openDb({ pgliteDir: join(dir, 'pg'), log: logQueries });
  try {
    await benchOn('pglite', lite);
  } finally {
    await lite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) return;
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await openDb({ databaseUrl: url, pgPoolConfig: { options: `-c search_path=${schema}` }, log: logQueries });
  try {
    await benchOn('postgres', db);
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}
