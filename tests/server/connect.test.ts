/**
 * The embedded database opens with the settings chosen for it (src/server/db/connect.ts), on disk as
 * the server keeps it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/server/db/connect';

describe('embedded database', () => {
  it('creates its WAL segments without filling them with zeros first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grid-patrol-connect-'));
    const db = await openDb({ pgliteDir: join(dir, 'pg') });
    try {
      const { rows } = await sql<{ wal_init_zero: string }>`SHOW wal_init_zero`.execute(db.kysely);
      expect(rows).toEqual([{ wal_init_zero: 'off' }]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
