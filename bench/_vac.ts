import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDb } from '../src/server/db/connect';
import { migrate } from '../src/server/db/migrate';
import { uuidv7 } from '../src/domain/ids';
import { insertVisitsWith, visitInsertParams } from '../src/server/sync/visit-insert';
import { setup } from './sync';
const db = await openDb({ pgliteDir: join(mkdtempSync(join(tmpdir(), 'vac-')), 'pg'), autovacuum: false });
await migrate(db.kysely);
const { visits, grid } = await setup(db);
const keys = { county_id: grid.county_id, township_id: grid.township_id, grid_id: grid.id };
let total = 0;
for (const target of [100_000]) {
  while (total < target) {
    const rows = visits.slice(0, 500).map((v) => ({ visit: { ...v, id: uuidv7() }, keys, flags: [], clockOffsetMs: 0, receivedAt: new Date() }));
    await insertVisitsWith(db.kysely, visitInsertParams(rows));
    total += 500;
  }
  for (const stmt of ['ANALYZE visits', 'ANALYZE visits', 'ALTER TABLE visits ALTER COLUMN doc SET STATISTICS 0', 'ANALYZE visits', 'ANALYZE visits', 'ALTER TABLE visits ALTER COLUMN flags SET STATISTICS 0', 'ALTER TABLE visits ALTER COLUMN hash SET STATISTICS 0', 'ANALYZE visits', 'ANALYZE visits']) {
    const t = performance.now();
    await sql.raw(stmt).execute(db.kysely);
    console.log(total, stmt, (performance.now() - t).toFixed(0), 'ms');
  }
}
await db.close();
