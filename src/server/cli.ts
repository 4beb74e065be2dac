/**
 * `tsx src/server/cli.ts start | migrate | seed [--scale N] | new-epoch | create-user …`
 * `start` builds the PWA if needed, migrates, seeds the demo county on an empty database (outside
 * production), serves the app, and shuts down cleanly on SIGINT/SIGTERM (PGlite must be closed to flush).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { roleSchema } from '../domain/enum-schemas';
import { buildApp, CLIENT_DIR } from './app';
import { loadConfig, type Config } from './config';
import { openDb, pgliteDirFor, type Db } from './db/connect';
import { migrate } from './db/migrate';
import { newEpoch, newEpochIfMoved } from './db/epoch';
import { sweepAuthTables } from './auth/queries';
import { seedDemoIfEmpty } from './seed/insert';
import { DEMO_PASSWORD, demoAccountSummary, generateDemoCounty } from './seed/demo';
import { createUser, usersWithDemoPassword } from './users/service';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Builds dist/client when it is missing or older than the client sources. */
async function ensureClientBuilt(): Promise<void> {
  const index = path.join(CLIENT_DIR, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src/client')),
    newestMtime(path.join(ROOT, 'src/domain')),
    newestMtime(path.join(ROOT, 'index.html')),
    newestMtime(path.join(ROOT, 'vite.config.ts')),
  );
  if (built >= sources) return;
  console.log(built ? '客户端源码有更新，正在重新构建…' : '正在构建客户端…');
  const { build } = await import('vite');
  // Always a production build, whatever NODE_ENV the server runs with: Vite makes a development build
  // under NODE_ENV=development, and that one never registers the service worker (no offline app).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

async function open(config: Config): Promise<Db> {
  const db = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirFor(config.dataDir) });
  await migrate(db.kysely);
  return db;
}

async function seedDemo(db: Db, scale?: number): Promise<boolean> {
  const counts = await seedDemoIfEmpty(db.kysely, () => generateDemoCounty(scale ? { scale } : {}));
  if (counts) console.log('已生成示范县数据：', counts);
  return counts !== null;
}

async function printDemoAccounts(db: Db): Promise<void> {
  const users = await db.kysely.selectFrom('users').select(['username', 'role']).orderBy('username').execute();
  const summary = demoAccountSummary({ users: users.map((u) => ({ username: u.username, role: u.role })) as never });
  console.log(`\n演示账号（密码均为 ${DEMO_PASSWORD}，仅用于演示）：`);
  for (const row of summary) {
    const shown = row.usernames.slice(0, 6).join(', ') + (row.usernames.length > 6 ? ` …（共 ${row.usernames.length} 个）` : '');
    console.log(`  ${row.role.padEnd(22)} ${shown}`);
  }
}

async function start(config: Config): Promise<void> {
  // CLIENT_DIR names a build made elsewhere: it is served as it is.
  if (config.clientDir === undefined) await ensureClientBuilt();
  const db = await open(config);
  const moved = await newEpochIfMoved(db.kysely);
  if (moved) console.log(`数据库与上次启动时不同（从备份恢复？）：已启用新的同步纪元 ${moved}，各设备将重新下载数据并保留未同步的记录`);
  await sweepAuthTables(db.kysely);
  const production = config.nodeEnv === 'production';
  if (!production) await seedDemo(db);
  else {
    const weak = await usersWithDemoPassword(db.kysely, DEMO_PASSWORD);
    if (weak.length) {
      await db.close();
      throw new Error(`refusing to start in production: ${weak.length} account(s) still use the demo password (${weak.slice(0, 5).join(', ')})`);
    }
  }
  const app = await buildApp(config, { db, clientDir: config.clientDir });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: shutting down`);
    app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  console.log(`\n网格巡查已启动：http://${shownHost}:${config.port}  （数据库：${db.kind === 'pglite' ? `PGlite ${pgliteDirFor(config.dataDir)}` : 'PostgreSQL'}）`);
  if (!production) await printDemoAccounts(db);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate': {
      const db = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirFor(config.dataDir) });
      try {
        const { applied } = await migrate(db.kysely);
        console.log(applied.length ? `已执行迁移：${applied.join(', ')}` : '数据库已是最新');
      } finally {
        await db.close();
      }
      return;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { scale: { type: 'string' } } });
      const scale = values.scale === undefined ? undefined : Number(values.scale);
      if (scale !== undefined && !(scale > 0)) throw new Error('--scale must be a positive number');
      const db = await open(config);
      try {
        if (!(await seedDemo(db, scale))) console.log('数据库已有数据，未重复生成');
      } finally {
        await db.close();
      }
      return;
    }
    case 'new-epoch': {
      // After restoring a backup in place (README, Operations): every device starts over.
      const db = await open(config);
      try {
        console.log(`已启用新的同步纪元 ${await newEpoch(db.kysely)}：各设备下次同步时将重新下载数据，未同步的记录会保留并重新发送`);
      } finally {
        await db.close();
      }
      return;
    }
    case 'create-user': {
      const { values } = parseArgs({
        args: rest,
        options: {
          username: { type: 'string' },
          password: { type: 'string' },
          role: { type: 'string' },
          region: { type: 'string' },
          'display-name': { type: 'string' },
        },
      });
      const { username, password, role, region } = values;
      if (!username || !password || !role || !region) {
        throw new Error('usage: create-user --username u --password p --role r --region <code|id> [--display-name n]');
      }
      const db = await open(config);
      try {
        const user = await createUser(db.kysely, { username, password, role: roleSchema.parse(role), region, displayName: values['display-name'] });
        console.log(`已创建用户 ${user.username}（${user.role}）`);
      } finally {
        await db.close();
      }
      return;
    }
    default:
      throw new Error('usage: cli.ts start | migrate | seed [--scale N] | new-epoch | create-user --username u --password p --role r --region <code|id>');
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
