/**
 * The command line as an operator uses it, as real processes: seeding an empty database once, and a
 * production start that refuses accounts still holding the demo password.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('the command line', () => {
  let dataDir: string;
  let clientDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gp-cli-'));
    clientDir = join(dataDir, 'client');
    mkdirSync(clientDir);
    writeFileSync(join(clientDir, 'index.html'), '<!doctype html>');
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('seeds the demo county on an empty database, and never twice', () => {
    const first = cli(['seed'], { DATA_DIR: dataDir, NODE_ENV: 'development' });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('已生成示范县数据');
    const second = cli(['seed'], { DATA_DIR: dataDir, NODE_ENV: 'development' });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('数据库已有数据，未重复生成');
    expect(second.stdout).not.toContain('已生成示范县数据');
  });

  it('refuses to start in production while demo passwords remain', () => {
    const res = cli(['start'], { DATA_DIR: dataDir, NODE_ENV: 'production', CLIENT_DIR: clientDir, PORT: '1' });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/refusing to start in production: \d+ account\(s\) still use the demo password/);
  });

  it('stops at boot with a message naming a bad variable', () => {
    const res = cli(['start'], { DATA_DIR: dataDir, PORT: 'eighty' });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('PORT');
  });
});
