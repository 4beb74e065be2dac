/**
 * Sync throughput (SPEC §12): 10,000 visit-sized records (~1.1 KB, 25 answers, valid hashes) pushed in
 * batches of 500 through the real push service (argument validation, hash check, checklist rules,
 * savepoint scheme, results and audit), pulled back in pages of 500 through the real pull service, and
 * the same rows inserted raw in batches of 500 into the same table, on PGlite and — when DATABASE_URL
 * or TEST_DATABASE_URL is set — on PostgreSQL in a fresh schema.
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

const RECORDS = 10_000;
const BATCH = 500;

function template(): ChecklistTemplate {
  return {
    id: uuidv7(),
    code: 'bench',
    version: 1,
    title: '基准检查表',
    appliesTo: {},
    sections: [{ code: 'A', title: '培训主体', category: 'subject' }],
    items: Array.from({ length: 25 }, (_, i) => ({
      code: `A${i + 1}`,
      section: 'A',
      text: `检查项${i + 1}`,
      kind: 'yesno' as const,
      violationWhen: true,
      evidenceOnViolation: false,
      category: 'subject' as const,
    })),
  };
}

async function setup(db: Db) {
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
      answers: tpl.items.map((it) => ({ itemCode: it.code, value: false, evidence: [] })),
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

async function benchOn(label: 'pglite' | 'postgres', db: Db) {
  await migrate(db.kysely);
  const { viewer, visits, grid } = await setup(db);
  const bytes = Math.round(visits.reduce((n, v) => n + JSON.stringify(v).length, 0) / visits.length);

  // Raw batched INSERT of the same rows into the same table, then emptied for the push.
  const keys = { county_id: grid.county_id, township_id: grid.township_id, grid_id: grid.id };
  const rows = visits.map((v) => visitToRow(v, keys));
  let t0 = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) await db.kysely.insertInto('visits').values(rows.slice(i, i + BATCH)).execute();
  const rawPerSec = RECORDS / ((performance.now() - t0) / 1000);
  await sql`DELETE FROM visits`.execute(db.kysely);
  await sql`DELETE FROM tombstones`.execute(db.kysely);

  const clientId = uuidv7();
  const mutations: Mutation[] = visits.map((visit, i) => ({ seq: i + 1, name: 'visit.submit@1', args: { visit }, at: '2025-05-12T02:20:00.000Z' }));
  t0 = performance.now();
  for (let i = 0; i < mutations.length; i += BATCH) {
    // What the route does: the body as JSON on the wire, parsed and validated, then the service.
    const wire = JSON.stringify({ clientId, sentAt: new Date().toISOString(), mutations: mutations.slice(i, i + BATCH) });
    const res = await push(db.kysely, viewer, pushRequestSchema.parse(JSON.parse(wire)));
    if (res.results.some((r) => r.status !== 'applied')) throw new Error(`push failed: ${JSON.stringify(res.results.find((r) => r.status !== 'applied'))}`);
  }
  const pushPerSec = RECORDS / ((performance.now() - t0) / 1000);

  t0 = performance.now();
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
  const pullPerSec = RECORDS / ((performance.now() - t0) / 1000);
  if (got !== RECORDS) throw new Error(`pulled ${got} visits, expected ${RECORDS}`);

  line({ bench: 'sync.rawInsert', db: label, records: RECORDS, bytes, perSec: Math.round(rawPerSec) });
  line({ bench: 'sync.push', db: label, records: RECORDS, bytes, perSec: Math.round(pushPerSec) });
  line({ bench: 'sync.pull', db: label, records: RECORDS, bytes, perSec: Math.round(pullPerSec) });
  line({ bench: 'sync.ratio', db: label, pushToRaw: +(pushPerSec / rawPerSec).toFixed(2), pullToRaw: +(pullPerSec / rawPerSec).toFixed(2) });
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
