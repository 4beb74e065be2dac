import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDb } from '../src/server/db/connect';
import { migrate } from '../src/server/db/migrate';
import { pushRequestSchema } from '../src/domain/sync';
import { uuidv7 } from '../src/domain/ids';
import { decodeBody, PreworkPool } from '../src/server/sync/prework';
import { push } from '../src/server/sync/push';
import { setup } from './sync';
const agg = new Map<string, { n: number; ms: number }>();
let on = false;
const db = await openDb({ pgliteDir: join(mkdtempSync(join(tmpdir(), 'st-')), 'pg'), log: (e) => {
  if (!on || e.level !== 'query') return;
  const k = e.query.sql.replace(/\s+/g, ' ').trim().slice(0, 90);
  const a = agg.get(k) ?? { n: 0, ms: 0 }; a.n++; a.ms += e.queryDurationMillis; agg.set(k, a);
} });
await migrate(db.kysely);
const { viewer, visits } = await setup(db);
const prework = new PreworkPool();
async function round() {
  await sql`TRUNCATE visits`.execute(db.kysely);
  const clientId = uuidv7();
  const bodies: Buffer[] = [];
  for (let i = 0; i < visits.length; i += 500)
    bodies.push(Buffer.from(JSON.stringify({ clientId, sentAt: new Date().toISOString(), mutations: visits.slice(i, i + 500).map((visit, k) => ({ seq: i + k + 1, name: 'visit.submit@1', args: { visit }, at: '2025-05-12T02:20:00.000Z' })) })));
  const t = performance.now();
  for (const body of bodies) {
    const job = prework.start(body);
    await push(db.kysely, viewer, pushRequestSchema.parse(JSON.parse(decodeBody(body))), { prework: job });
  }
  return performance.now() - t;
}
await round(); await round();
on = true;
for (let i = 0; i < 4; i++) console.log((await round()).toFixed(0));
const batches = 4 * 20;
for (const [k, a] of [...agg].sort((x, y) => y[1].ms - x[1].ms)) console.log((a.ms / batches).toFixed(2), 'ms/batch', (a.n / batches).toFixed(1), 'x', k);
await prework.close(); await db.close();
