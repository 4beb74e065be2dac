/**
 * Inserts a Dataset (the demo county or a test fixture) in batches, hashing the seeded passwords
 * and deriving every row's scope keys from the region tree.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { getMeta, setMeta } from '../db/meta';
import { audit } from '../audit/log';
import { hashPassword } from '../auth/password';
import { RegionTree } from '../scope/keys';
import { regionToRow } from '../regions/rows';
import { userToRow } from '../users/rows';
import { placeToRow } from '../places/rows';
import { ledgerEventToRow, subjectToRow } from '../subjects/rows';
import { templateToRow } from '../templates/rows';
import { taskToRow } from '../tasks/rows';
import { visitToRow } from '../visits/rows';
import { caseToRow } from '../cases/rows';
import type { Dataset } from './types';

const BATCH = 500;
const LEVEL_ORDER = { county: 0, township: 1, community: 2, grid: 3 } as const;

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

/** Hashes with bounded concurrency: scrypt runs on libuv's thread pool. */
async function hashAll(passwords: string[]): Promise<string[]> {
  const out: string[] = new Array<string>(passwords.length);
  let next = 0;
  const worker = async () => {
    while (next < passwords.length) {
      const i = next++;
      out[i] = await hashPassword(passwords[i]!);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}

export interface InsertCounts {
  regions: number;
  users: number;
  templates: number;
  places: number;
  subjects: number;
  ledgerEvents: number;
  tasks: number;
  visits: number;
  cases: number;
}

export async function insertDataset(db: Kysely<Database>, data: Dataset): Promise<InsertCounts> {
  const tree = new RegionTree(data.regions);
  const placeGrid = new Map(data.places.map((p) => [p.id, p.gridId]));
  const subjectGrid = new Map(data.subjects.map((s) => [s.id, s.gridId]));
  const keysOfGrid = (gridId: string | undefined, what: string) => {
    if (!gridId || !tree.has(gridId)) throw new Error(`${what}: unknown grid ${String(gridId)}`);
    return tree.keysOf(gridId);
  };
  // Parents before children, so the parent_id foreign key holds within each batch.
  const regions = [...data.regions].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
  const hashes = await hashAll(data.users.map((u) => u.password));

  await inBatches(regions.map((r) => regionToRow(r, tree.keysOf(r.id))), (b) => db.insertInto('regions').values(b).execute());
  await inBatches(
    data.users.map((u, i) => {
      const { password: _p, ...user } = u;
      return userToRow(user, hashes[i]!, tree.keysOf(u.regionId));
    }),
    (b) => db.insertInto('users').values(b).execute(),
  );
  await inBatches(data.templates.map(templateToRow), (b) => db.insertInto('checklist_templates').values(b).execute());
  await inBatches(
    data.places.map((p) => placeToRow(p, keysOfGrid(p.gridId, `place ${p.id}`))),
    (b) => db.insertInto('places').values(b).execute(),
  );
  await inBatches(
    data.subjects.map((s) => subjectToRow(s, keysOfGrid(s.gridId, `subject ${s.id}`))),
    (b) => db.insertInto('subjects').values(b).execute(),
  );
  await inBatches(
    data.ledgerEvents.map((e) => ledgerEventToRow(e, keysOfGrid(subjectGrid.get(e.subjectId), `ledger event ${e.id}`))),
    (b) => db.insertInto('ledger_events').values(b).execute(),
  );
  await inBatches(
    data.tasks.map((t) => taskToRow(t, keysOfGrid(t.gridId, `task ${t.id}`))),
    (b) => db.insertInto('tasks').values(b).execute(),
  );
  await inBatches(
    data.visits.map((v) => visitToRow(v, keysOfGrid(placeGrid.get(v.placeId), `visit ${v.id}`))),
    (b) => db.insertInto('visits').values(b).execute(),
  );
  await inBatches(
    data.cases.map((c) => caseToRow(c, keysOfGrid(c.gridId, `case ${c.id}`))),
    (b) => db.insertInto('cases').values(b).execute(),
  );
  return {
    regions: data.regions.length,
    users: data.users.length,
    templates: data.templates.length,
    places: data.places.length,
    subjects: data.subjects.length,
    ledgerEvents: data.ledgerEvents.length,
    tasks: data.tasks.length,
    visits: data.visits.length,
    cases: data.cases.length,
  };
}

/**
 * Seeds `makeDataset()` only into an empty database (no `seeded_at`, no users), in one transaction,
 * so a crash half-way leaves nothing and a second process does nothing.
 */
export async function seedDemoIfEmpty(
  db: Kysely<Database>,
  makeDataset: () => Dataset | Promise<Dataset>,
): Promise<InsertCounts | null> {
  return db.transaction().execute(async (trx) => {
    // Serialises concurrent starters: the second waits here, then sees seeded_at.
    await trx.selectFrom('meta').select('key').where('key', '=', 'epoch').forUpdate().execute();
    if (await getMeta(trx, 'seeded_at')) return null;
    const anyUser = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (anyUser) return null;
    const counts = await insertDataset(trx, await makeDataset());
    const at = new Date().toISOString();
    await setMeta(trx, 'seeded_at', at);
    await audit(trx, { userId: null, deviceId: null, action: 'seed.demo', details: { ...counts } });
    return counts;
  });
}
