import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllUserDbs } from '../../../src/client/db/database';
import { openCase, transitionCase } from '../../../src/client/db/repositories';
import { pendingRowIds } from '../../../src/client/db/syncState';
import { seededDb } from './seed';

afterEach(() => closeAllUserDbs());

describe('pendingRowIds', () => {
  it('names the rows of the entity with an unsent change, among the ids asked about', async () => {
    const w = await seededDb();
    const input = { source: 'building_manager' as const, gridId: w.grid.id, townshipId: w.township.id, reportedAt: new Date().toISOString() };
    const a = await openCase(w.db, { ...input, summary: '疑似补课 A' });
    const b = await openCase(w.db, { ...input, summary: '疑似补课 B' });
    const c = await openCase(w.db, { ...input, summary: '疑似补课 C' });
    expect(await pendingRowIds(w.db, 'case', [a.id, b.id])).toEqual(new Set([a.id, b.id]));
    expect(await pendingRowIds(w.db, 'case', [])).toEqual(new Set());
    // Another entity with the same id is another row.
    expect(await pendingRowIds(w.db, 'visit', [a.id])).toEqual(new Set());

    // Accepted by the server: no longer pending, until the row changes again.
    await w.db.outbox.toCollection().modify({ acked: 1 });
    expect(await pendingRowIds(w.db, 'case', [a.id, b.id, c.id])).toEqual(new Set());
    await transitionCase(w.db, b.id, { to: 'verifying' });
    expect(await pendingRowIds(w.db, 'case', [a.id, b.id, c.id])).toEqual(new Set([b.id]));
  });
});
