/**
 * The real server as `tsx src/server/cli.ts start` runs it (config from the environment, migrations,
 * demo county on an empty database, SIGTERM shutdown) — but serving the PWA built privately for the
 * client benchmark (`BENCH_CLIENT_DIR`) instead of dist/client, and never rebuilding it. Other work
 * in the same checkout rebuilds dist/client at any time (the e2e setup does); the benchmark's build
 * and its service worker's precache must not change under it.
 */
import { buildApp } from '../src/server/app';
import { sweepAuthTables } from '../src/server/auth/queries';
import { loadConfig } from '../src/server/config';
import { openDb, pgliteDirFor } from '../src/server/db/connect';
import { migrate } from '../src/server/db/migrate';
import { generateDemoCounty } from '../src/server/seed/demo';
import { seedDemoIfEmpty } from '../src/server/seed/insert';

const clientDir = process.env.BENCH_CLIENT_DIR;
if (!clientDir) throw new Error('BENCH_CLIENT_DIR is required');

const config = loadConfig();
const db = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirFor(config.dataDir) });
await migrate(db.kysely);
await sweepAuthTables(db.kysely);
await seedDemoIfEmpty(db.kysely, () => generateDemoCounty({}));
const app = await buildApp(config, { db, clientDir });
let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  app
    .close()
    .then(() => db.close())
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
await app.listen({ port: config.port, host: config.host });
