/**
 * Sync throughput (SPEC §12): 10,000 visit-sized records (25 answers with short realistic values, valid
 * hashes, no padding — about 1.9 KB of JSON each, the least a 25-answer visit of the §3 schema takes)
 * pushed in batches of 500 through the real push service (the wire JSON parsed, argument validation,
 * hash check, checklist rules, savepoint scheme, batch record and audit), pulled back in pages of 500
 * through the real pull service, and the same rows inserted raw in batches of 500 into the same table,
 * on PGlite and — when DATABASE_URL or TEST_DATABASE_URL is set — on PostgreSQL in a fresh schema.
 *
 * The raw baseline is the faster of two plain batched INSERTs of the very rows the push writes (same
 * columns, same jsonb document, same server columns, 500 rows per statement, parameterised): a
 * multi-row VALUES with one parameter per column, and INSERT … SELECT over one jsonb array parameter
 * (the statement the push itself uses). Each timing includes turning the visit objects into the
 * statement's parameters. Before each phase the table is emptied with TRUNCATE, so every phase starts
 * from the same empty table.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'kysely';
import { visitHash } from '../src/domain/canonical';
import type { ChecklistTemplate, Visit } from '../src/domain/entities';
import { uuidv7 } from '../src/domain/ids';
import { pushRequestSchema, pullRequestSchema, type Mutation } from '../src/domain/sync';
import { openDb, type Db } from '../src/server/db/connect';
import { migrate } from '../src/server/db/migrate';
import { insertDataset } from '../src/server/seed/insert';
import type { Viewer } from '../src/server/scope/viewer';
import { push } from '../src/server/sync/push';
import { pull } from '../src/server/sync/pull';
import { visitToRow } from '../src/server/visits/rows';
import { insertVisitsParam, visitInsertParam, type VisitInsert } from '../src/server/sync/visit-insert';

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

function template(): ChecklistTemplate {
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
function answer(i: number, n: number): boolean | number | string {
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
    const v: Visit = {
      id: uuidv7(),
      taskId: null,
      placeId: place.id,
      subjectIds: [],
      inspectorIds: [user.id],
      shift: 'day',
      style: 'open',
      unannounced: false,
      organization: 'routine',
      startedAt: '2025-05-12T10:00:00+08:00',
      endedAt: '2025-05-12T10:20:00+08:00',
      position: { lat: 27.7, lng: 106.9, accuracy: 12, at: '2025-05-12T10:01:00+08:00' },
      distanceM: 8,
      templateId: tpl.id,
      templateVersion: 1,
      answers: tpl.items.map((it, j) => ({ itemCode: it.code, value: answer(j, i), evidence: [] })),
      findings: [],
      outcome: 'no_issue',
      note: `巡查记录${i}`,
      deviceId,
      clockOffsetMs: 0,
      hash: '',
      prevHash,
    };
    v.hash = await visitHash(v);
    prevHash = v.hash;
    visits.push(v);
  }
  return { viewer, visits, grid: gridRow };
}

function line(o: Record<string, unknown>) {
  console.log(JSON.stringify(o));
}

interface Rate {
  perSec: number;
  /** Records per CPU second of this process: on PGlite the database runs in it too, so this figure
   *  is steadier than wall time on a shared machine (on PostgreSQL it leaves the server's CPU out). */
  cpuPerSec: number;
}

/** Pages of BATCH, each timed with the work that turns the visits into its statement. */
async function timed(run: (from: number, to: number) => Promise<void>): Promise<Rate> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < RECORDS; i += BATCH) await run(i, Math.min(i + BATCH, RECORDS));
  const cpu = process.cpuUsage(c0);
  return { perSec: RECORDS / ((performance.now() - t0) / 1000), cpuPerSec: RECORDS / ((cpu.user + cpu.system) / 1e6) };
}

const rate = (r: Rate) => ({ perSec: Math.round(r.perSec), cpuPerSec: Math.round(r.cpuPerSec) });

async function benchOn(label: 'pglite' | 'postgres', db: Db) {
  await migrate(db.kysely);
  const { viewer, visits, grid } = await setup(db);
  const bytesPerRecord = Math.round(visits.reduce((n, v) => n + Buffer.byteLength(JSON.stringify(v)), 0) / visits.length);
  // No row of another table refers to visits (and no row trigger fires): every phase starts empty.
  const empty = () => sql`TRUNCATE visits`.execute(db.kysely);

  // The rows exactly as the push writes them: the server's columns included.
  const keys = { county_id: grid.county_id, township_id: grid.township_id, grid_id: grid.id };
  const receivedAt = new Date();
  const inserts: VisitInsert[] = visits.map((visit) => ({ visit, keys, flags: [], clockOffsetMs: 0, receivedAt }));
  const values = await timed((a, b) =>
    db.kysely
      .insertInto('visits')
      .values(inserts.slice(a, b).map((r) => ({ ...visitToRow(r.visit, r.keys), clock_offset_ms: r.clockOffsetMs, flags: r.flags, received_at: r.receivedAt })))
      .execute()
      .then(() => undefined),
  );
  await empty();
  const jsonb = await timed(async (a, b) => {
    await insertVisitsParam(db.kysely, visitInsertParam(inserts.slice(a, b)));
  });
  await empty();
  const raw = jsonb.perSec >= values.perSec ? jsonb : values;
  const rawMethod = raw === jsonb ? 'insertSelectJsonb' : 'multiRowValues';

  const clientId = uuidv7();
  const mutations: Mutation[] = visits.map((visit, i) => ({ seq: i + 1, name: 'visit.submit@1', args: { visit }, at: '2025-05-12T02:20:00.000Z' }));
  // The request bodies as the devices send them (serialising them is the device's work, not the server's).
  const sentAt = new Date().toISOString();
  const bodies = new Map<number, string>();
  for (let i = 0; i < RECORDS; i += BATCH) bodies.set(i, JSON.stringify({ clientId, sentAt, mutations: mutations.slice(i, i + BATCH) }));
  const pushed = await timed(async (a) => {
    // What the route does: the body parsed from the wire and validated, then the service.
    const res = await push(db.kysely, viewer, pushRequestSchema.parse(JSON.parse(bodies.get(a)!)));
    if (res.results.some((r) => r.status !== 'applied')) throw new Error(`push failed: ${JSON.stringify(res.results.find((r) => r.status !== 'applied'))}`);
  });

  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let cursors: Record<string, string | null> = {};
  let epoch: string | null = null;
  let got = 0;
  for (;;) {
    const res = await pull(db.kysely, viewer, pullRequestSchema.parse({ clientId, epoch, cursors, limit: BATCH }));
    JSON.stringify(res);
    got += res.changes.filter((c) => c.entity === 'visit').length;
    cursors = res.cursors;
    epoch = res.epoch;
    if (!res.hasMore) break;
  }
  const cpu = process.cpuUsage(c0);
  const pulled: Rate = { perSec: RECORDS / ((performance.now() - t0) / 1000), cpuPerSec: RECORDS / ((cpu.user + cpu.system) / 1e6) };
  if (got !== RECORDS) throw new Error(`pulled ${got} visits, expected ${RECORDS}`);

  const common = { db: label, records: RECORDS, bytesPerRecord };
  line({ bench: 'sync.rawInsert', ...common, method: rawMethod, ...rate(raw) });
  line({ bench: 'sync.rawInsert.multiRowValues', ...common, ...rate(values) });
  line({ bench: 'sync.rawInsert.insertSelectJsonb', ...common, ...rate(jsonb) });
  line({ bench: 'sync.push', ...common, ...rate(pushed) });
  line({ bench: 'sync.pull', ...common, ...rate(pulled) });
  line({
    bench: 'sync.ratio',
    db: label,
    pushToRaw: +(pushed.perSec / raw.perSec).toFixed(2),
    pullToRaw: +(pulled.perSec / raw.perSec).toFixed(2),
    pushToRawCpu: +(pushed.cpuPerSec / raw.cpuPerSec).toFixed(2),
  });
}

export async function run(): Promise<void> {
  const lite = await openDb({});
  try {
    await benchOn('pglite', lite);
  } finally {
    await lite.close();
  }
  const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) return;
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await openDb({ databaseUrl: url, pgPoolConfig: { options: `-c search_path=${schema}` } });
  try {
    await benchOn('postgres', db);
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}
