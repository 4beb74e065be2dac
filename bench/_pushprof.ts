import { Session } from 'node:inspector/promises';
import { writeFileSync, mkdtempSync } from 'node:fs';
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
const db = await openDb({ pgliteDir: join(mkdtempSync(join(tmpdir(), 'pp-')), 'pg') });
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
const s = new Session(); s.connect();
await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 200 }); await s.post('Profiler.start');
for (let i = 0; i < 6; i++) console.log((await round()).toFixed(0));
const { profile } = await s.post('Profiler.stop');
writeFileSync('/tmp/prof/push.cpuprofile', JSON.stringify(profile));
await prework.close(); await db.close();
