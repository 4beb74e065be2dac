import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrate, MIGRATIONS } from '../../src/server/db/migrate';
import { SYNCABLE_TABLES } from '../../src/server/db/schema';
import { getMeta } from '../../src/server/db/meta';
import { audit } from '../../src/server/audit/log';
import { insertDataset } from '../../src/server/seed/insert';
import { insertVisits } from '../../src/server/sync/visit-insert';
import { visitToRow } from '../../src/server/visits/rows';
import { buildSmallCounty, makeVisit } from '../factories';
import { backends, openTestDb, type TestDb } from './harness';

describe.each(backends)('migrations on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(backend);
  });
  afterAll(() => t.close());

  it('are recorded and idempotent', async () => {
    const again = await migrate(t.db.kysely);
    expect(again.applied).toEqual([]);
    const rows = await t.db.kysely.selectFrom('migrations').select(['id', 'name']).orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
  });

  it('concurrent runs on an empty database do not race: each migration is applied exactly once', async () => {
    const fresh = await openTestDb(backend, { migrated: false });
    try {
      const results = await Promise.all([migrate(fresh.db.kysely), migrate(fresh.db.kysely)]);
      const applied = results.flatMap((r) => r.applied);
      expect(applied.sort()).toEqual(MIGRATIONS.map((m) => `${String(m.id).padStart(4, '0')}_${m.name}`).sort());
      const rows = await fresh.db.kysely.selectFrom('migrations').select('id').orderBy('id').execute();
      expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      await fresh.close();
    }
  });

  it('8 keeps the visits stored before it, and stores a document verbatim from then on', async () => {
    const fresh = await openTestDb(backend, { migrated: false });
    try {
      const db = fresh.db.kysely;
      await migrate(db, MIGRATIONS.filter((m) => m.id < 8));
      const county = buildSmallCounty();
      await insertDataset(db, { ...county.dataset, visits: [] });
      const keys = { county_id: county.county.id, township_id: county.townships[0]!.id, grid_id: county.grids[0]!.id };
      const base = { placeId: county.dataset.places[1]!.id, templateId: county.dataset.templates[0]!.id, inspectorIds: [county.users.workers[0]!.id] };
      const before = makeVisit({ ...base, note: '迁移前 "引号" 😀', distanceM: 12.5 });
      await db.insertInto('visits').values(visitToRow(before, keys)).execute();

      expect((await migrate(db)).applied).toEqual(['0008_visit_doc_json']);
      const read = async (id: string) => db.selectFrom('visits').select('doc').where('id', '=', id).executeTakeFirstOrThrow();
      expect((await read(before.id)).doc).toEqual(before);

      const after = makeVisit({ ...base, distanceM: 1e2 });
      const text = JSON.stringify(after).replace('"distanceM":100', '"distanceM":1e2');
      await insertVisits(db, [{ visit: after, doc: new TextEncoder().encode(text), keys, flags: [], clockOffsetMs: null, receivedAt: new Date() }]);
      const stored = await sql<{ t: string; type: string }>`SELECT doc::text AS t, pg_typeof(doc)::text AS type FROM visits WHERE id = ${after.id}`.execute(db);
      expect(stored.rows[0]).toEqual({ t: text, type: 'json' });
    } finally {
      await fresh.close();
    }
  });

  it('creates a random epoch', async () => {
    expect(await getMeta(t.db.kysely, 'epoch')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives every syncable table scope keys, version, _xid and the sync index', async () => {
    for (const table of SYNCABLE_TABLES) {
      const { rows } = await sql<{ column_name: string; data_type: string }>`
        SELECT column_name, data_type FROM information_schema.columns
        WHERE table_name = ${table} AND table_schema = current_schema()`.execute(t.db.kysely);
      const cols = new Map(rows.map((r) => [r.column_name, r.data_type]));
      for (const c of ['county_id', 'township_id', 'grid_id', 'version', '_xid']) expect(cols.has(c), `${table}.${c}`).toBe(true);
      expect(cols.get('_xid')).toBe('xid8');
      const idx = await sql<{ indexname: string }>`
        SELECT indexname FROM pg_indexes WHERE tablename = ${table} AND schemaname = current_schema() AND indexname = ${`${table}_sync_idx`}`.execute(t.db.kysely);
      expect(idx.rows).toHaveLength(1);
    }
  });

  it('restamps _xid on update', async () => {
    const db = t.db.kysely;
    const id = '01900000-0000-7000-8000-000000000001';
    await db.insertInto('regions').values({ id, parent_id: null, level: 'county', name: '县', code: 'MIG1', boundary: null, county_id: id, township_id: null, grid_id: null }).execute();
    const before = await db.selectFrom('regions').select(sql<string>`_xid::text`.as('x')).where('id', '=', id).executeTakeFirstOrThrow();
    await db.updateTable('regions').set({ name: '县2' }).where('id', '=', id).execute();
    const after = await db.selectFrom('regions').select(sql<string>`_xid::text`.as('x')).where('id', '=', id).executeTakeFirstOrThrow();
    expect(BigInt(after.x)).toBeGreaterThan(BigInt(before.x));
  });

  it('keeps the audit log append-only', async () => {
    const db = t.db.kysely;
    await audit(db, { userId: null, deviceId: null, action: 'test.append' });
    await expect(db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
    const n = await db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(n.n).toBeGreaterThanOrEqual(1);
  });

  it('rolls a transaction back through the PGlite pool as through pg', async () => {
    const db = t.db.kysely;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('meta').values({ key: 'tx-test', value: '1' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await getMeta(db, 'tx-test')).toBeUndefined();
  });
});
