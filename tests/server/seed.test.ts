import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeta } from '../../src/server/db/meta';
import { seedDemoIfEmpty } from '../../src/server/seed/insert';
import { hashPassword } from '../../src/server/auth/password';
import { createUser, usersWithDemoPassword } from '../../src/server/users/service';
import { buildSmallCounty, TEST_PASSWORD } from '../factories';
import { backends, countRows, openTestDb, type TestDb } from './harness';

describe.each(backends)('seeding on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(backend);
  });
  afterAll(() => t.close());

  it('seeds an empty database once, with scope keys from the region tree', async () => {
    const county = buildSmallCounty();
    const counts = await seedDemoIfEmpty(t.db.kysely, () => county.dataset);
    expect(counts?.places).toBe(county.dataset.places.length);
    expect(await getMeta(t.db.kysely, 'seeded_at')).toBeTruthy();
    const before = await countRows(t.db);
    expect(await seedDemoIfEmpty(t.db.kysely, () => buildSmallCounty().dataset)).toBeNull();
    expect(await countRows(t.db)).toEqual(before);

    const grid = county.grids[3]!;
    const visit = county.dataset.visits.find((v) => county.dataset.places.find((p) => p.id === v.placeId)?.gridId === grid.id)!;
    const row = await t.db.kysely.selectFrom('visits').select(['county_id', 'township_id', 'grid_id']).where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ county_id: county.county.id, township_id: county.townships[1]!.id, grid_id: grid.id });
    const coord = await t.db.kysely.selectFrom('users').select(['county_id', 'township_id', 'grid_id', 'password_hash']).where('username', '=', 'coord1').executeTakeFirstOrThrow();
    expect(coord).toMatchObject({ county_id: county.county.id, township_id: county.townships[1]!.id, grid_id: null });
    expect(coord.password_hash).toMatch(/^scrypt\$/);
    expect(coord.password_hash).not.toContain(TEST_PASSWORD);
  });

  it('creates users by region code and finds default passwords', async () => {
    const region = await t.db.kysely.selectFrom('regions').select('code').where('level', '=', 'township').executeTakeFirstOrThrow();
    const user = await createUser(t.db.kysely, { username: 'newcoord', password: 'demo1234', role: 'township_coordinator', region: region.code });
    expect(user.role).toBe('township_coordinator');
    expect(await usersWithDemoPassword(t.db.kysely, 'demo1234')).toEqual(['newcoord']);
    await expect(createUser(t.db.kysely, { username: 'x-user', password: 'short', role: 'grid_worker', region: region.code })).rejects.toThrow(/8/);
    await expect(createUser(t.db.kysely, { username: 'y-user', password: 'long-enough', role: 'grid_worker', region: 'NOPE' })).rejects.toThrow(/unknown region/);
  });

  it('checks each stored password against the demo password once, and again after it changes', async () => {
    const checked = () => t.db.kysely.selectFrom('demo_password_checks').select(['user_id', 'password_hash']).execute();
    const active = await t.db.kysely.selectFrom('users').select(['id', 'username', 'password_hash']).where('disabled_at', 'is', null).execute();
    expect(await usersWithDemoPassword(t.db.kysely, 'demo1234')).toEqual(['newcoord']);
    // Every active account but the one still on the demo password is remembered with the hash checked.
    const rows = await checked();
    expect(rows.map((r) => r.user_id).sort()).toEqual(active.filter((u) => u.username !== 'newcoord').map((u) => u.id).sort());
    for (const r of rows) expect(r.password_hash).toBe(active.find((u) => u.id === r.user_id)!.password_hash);

    // A remembered hash is not checked again: a (forged) record for newcoord's current hash hides it.
    const coord = active.find((u) => u.username === 'newcoord')!;
    await t.db.kysely.insertInto('demo_password_checks').values({ user_id: coord.id, password_hash: coord.password_hash }).execute();
    expect(await usersWithDemoPassword(t.db.kysely, 'demo1234')).toEqual([]);

    // A password changed since its check is checked again: set back to the demo password, it is found.
    const worker = active.find((u) => u.username !== 'newcoord')!;
    await t.db.kysely.updateTable('users').set({ password_hash: await hashPassword('demo1234') }).where('id', '=', worker.id).execute();
    expect(await usersWithDemoPassword(t.db.kysely, 'demo1234')).toEqual([worker.username]);
    // And changed again to a good one, its check is renewed with the new hash.
    const fresh = await hashPassword('a-much-better-one');
    await t.db.kysely.updateTable('users').set({ password_hash: fresh }).where('id', '=', worker.id).execute();
    expect(await usersWithDemoPassword(t.db.kysely, 'demo1234')).toEqual([]);
    expect((await checked()).find((r) => r.user_id === worker.id)?.password_hash).toBe(fresh);
  });
});
