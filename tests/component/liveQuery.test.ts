import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { effectScope, ref } from 'vue';
import { useLiveQuery } from '../../src/client/composables/useLiveQuery';
import { settle } from './support';

class Notes extends Dexie {
  notes!: Dexie.Table<{ id: string; grid: string }, string>;
  constructor() {
    super(`live-query-test-${Math.random()}`);
    this.version(1).stores({ notes: 'id, grid' });
  }
}

describe('useLiveQuery', () => {
  const dbs: Notes[] = [];
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.delete();
  });

  it('follows writes and re-queries when a source changes; stops with its scope', async () => {
    const db = new Notes();
    dbs.push(db);
    await db.notes.bulkPut([{ id: '1', grid: 'a' }, { id: '2', grid: 'b' }]);
    const grid = ref('a');
    const scope = effectScope();
    const q = scope.run(() => useLiveQuery(() => db.notes.where('grid').equals(grid.value).count(), -1, [grid]))!;
    await settle(() => q.value.value === 1);
    expect(q.ready.value).toBe(true);

    await db.notes.put({ id: '3', grid: 'a' });
    await settle(() => q.value.value === 2);
    expect(q.value.value).toBe(2);

    grid.value = 'b';
    await settle(() => q.value.value === 1);
    expect(q.value.value).toBe(1);

    scope.stop();
    await db.notes.put({ id: '4', grid: 'b' });
    await new Promise((r) => setTimeout(r, 50));
    expect(q.value.value).toBe(1);
  });
});
