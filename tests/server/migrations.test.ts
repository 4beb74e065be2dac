import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrate, MIGRATIONS } from '../../src/server/db/migrate';
import { SYNCABLE_TABLES } from '../../src/server/db/schema';
import { getMeta } from '../../src/server/db/meta';
import { audit } from '../../src/server/audit/log';
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
