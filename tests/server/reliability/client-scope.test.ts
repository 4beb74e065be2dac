/**
 * Client side of scopes, photos, storage and restores (cases 11, 12, 13, 14, 15): the device follows
 * the server's scopes, sends each photo before the record that needs it, keeps a record it could not
 * store whole, and is never stranded by a server restore.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDBObjectStore } from 'fake-indexeddb';
import { sql } from 'kysely';
import { setMeta } from '../../../src/server/db/meta';
import { StorageFullError } from '../../../src/client/db/errors';
import { putBlob, submitVisit } from '../../../src/client/db/repositories';
import { NetworkError } from '../../../src/client/sync/transport';
import { rowKey } from '../../../src/client/db/database';
import { gridScope } from '../../../src/domain/scopes';
import { unvisitedPlaceIds } from '../../../src/domain/tasks';
import { BLOB_CHUNK_BYTES } from '../../../src/domain/transfer';
import { backends, countIds, lastMutationIdOf } from '../harness';
import { answersOf, expectConverged, expectOnce, startClientWorld, type ClientWorld, syncedDevice } from './clientHarness';

describe.each(backends)('client scopes, photos, storage and restores on %s', (backend) => {
  let w: ClientWorld;
  beforeAll(async () => {
    w = await startClientWorld(backend);
  });
  afterAll(() => w.close());

  const ready = (username: string) => syncedDevice(w, username);
  const grid = (i: number) => w.county.grids[i]!;
  /** Everything the server knows of a client, in whatever tables refer to it, then the client itself. */
  async function forgetClient(clientId: string): Promise<void> {
    const { rows } = await sql<{ table_name: string }>`
      SELECT DISTINCT table_name FROM information_schema.columns
      WHERE column_name = 'client_id' AND table_schema = current_schema() AND table_name <> 'sync_client'`.execute(w.db.kysely);
    for (const r of rows) await sql`DELETE FROM ${sql.table(r.table_name)} WHERE client_id = ${clientId}`.execute(w.db.kysely);
    await w.db.kysely.deleteFrom('sync_client').where('client_id', '=', clientId).execute();
  }
  const setRegion = (username: string, regionId: string) =>
    w.db.kysely.updateTable('users').set({ region_id: regionId }).where('id', '=', w.userId(username)).execute();

  it('11: a granted grid arrives in full, old rows included; a revoked one is purged from the device', async () => {
    const d = await ready('worker1');
    const g0Places = w.county.dataset.places.filter((p) => p.gridId === grid(0).id).map((p) => p.id);
    expect(await d.db.places.bulkGet(g0Places)).toEqual(g0Places.map(() => undefined));
    await setRegion('worker1', grid(0).parentId!);
    try {
      await d.sync();
      expect(Object.keys((await d.db.getMeta('cursors'))!)).toContain(gridScope(grid(0).id));
      expect((await d.db.places.bulkGet(g0Places)).every(Boolean)).toBe(true);
      expect(await d.db.tasks.where('gridId').equals(grid(0).id).count()).toBe(w.county.dataset.tasks.filter((t) => t.gridId === grid(0).id).length);
      await expectConverged(w, d);
    } finally {
      await setRegion('worker1', grid(1).id);
    }
    await d.sync();
    expect(Object.keys((await d.db.getMeta('cursors'))!)).not.toContain(gridScope(grid(0).id));
    expect(await d.db.places.bulkGet(g0Places)).toEqual(g0Places.map(() => undefined));
    expect(await d.db.subjects.where('gridId').equals(grid(0).id).count()).toBe(0);
    await expectConverged(w, d);
  });

  it('12: a task moved to another grid is deleted from the old grid\'s device and appears on the new one', async () => {
    const w2 = await ready('worker2');
    const w3 = await ready('worker3');
    const task = w.county.dataset.tasks.find((t) => t.gridId === grid(2).id)!;
    expect(await w2.db.tasks.get(task.id)).toBeDefined();
    expect(await w3.db.tasks.get(task.id)).toBeUndefined();
    await w.db.kysely.updateTable('tasks').set({ grid_id: grid(3).id }).where('id', '=', task.id).execute();
    await w2.sync();
    await w3.sync();
    expect(await w2.db.tasks.get(task.id)).toBeUndefined();
    expect(await w3.db.tasks.get(task.id)).toMatchObject({ gridId: grid(3).id });
    await expectConverged(w, w2);
    await expectConverged(w, w3);
    await w.db.kysely.updateTable('tasks').set({ grid_id: grid(2).id }).where('id', '=', task.id).execute();
  });

  it('13: an interrupted photo upload is repeated before the visit; a photo the server lost is sent again, never blocking the queue', async () => {
    const d = await ready('worker0');
    const photo = new TextEncoder().encode(`photo-${backend}-${Date.now()}`.repeat(200));
    const blob = await putBlob(d.db, photo, 'image/jpeg');
    const answers = [{ itemCode: 'A1', value: false, evidence: [blob.sha256] }];
    const { visit } = await submitVisit(d.db, d.visitDraft({ answers }));
    d.faults.push({ on: 'blob', kind: 'before' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    expect(d.traffic.filter((t) => t.endpoint === 'push')).toEqual([]); // the visit waits for its photo
    d.faults.push({ on: 'blob', kind: 'after' }); // stored, answer lost
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    await d.sync();
    expect(d.traffic.filter((t) => t.endpoint === 'blob').map((t) => t.status ?? 'offline')).toEqual(['offline', 201, 200]);
    expect(await countIds(w, 'visits', [visit.id])).toBe(1);

    // The server loses the photo (say, a restore of the blob store) while the device thinks it sent it.
    const second = new TextEncoder().encode(`second-${backend}-${Date.now()}`.repeat(200));
    const blob2 = await putBlob(d.db, second, 'image/jpeg');
    const { visit: v2 } = await submitVisit(d.db, d.visitDraft({ answers: [{ itemCode: 'A1', value: false, evidence: [blob2.sha256] }] }));
    await d.db.blobs.update(blob2.sha256, { uploaded: 1 });
    await d.sync();
    expect(await countIds(w, 'visits', [v2.id])).toBe(1);
    expect(await w.db.kysely.selectFrom('blobs').select('sha256').where('sha256', '=', blob2.sha256).executeTakeFirst()).toBeDefined();
    expectOnce(answersOf(await d.db.clientId(), d), [1, 2]);
    await expectConverged(w, d);
  });

  it('13: a large photo cut off after its first chunk resumes from the server\'s offset, not from the start', async () => {
    const d = await ready('worker0');
    // Incompressible bytes of 2.5 chunks: three chunks, the last one short.
    const photo = new Uint8Array(Math.round(BLOB_CHUNK_BYTES * 2.5));
    for (let i = 0; i < photo.length; i += 65536) crypto.getRandomValues(photo.subarray(i, i + 65536));
    const blob = await putBlob(d.db, photo, 'image/jpeg');
    const { visit } = await submitVisit(d.db, d.visitDraft({ answers: [{ itemCode: 'A1', value: false, evidence: [blob.sha256] }] }));
    const chunk = (first: number, last: number) => `bytes ${first}-${last}/${photo.length}`;
    const second = chunk(BLOB_CHUNK_BYTES, 2 * BLOB_CHUNK_BYTES - 1);
    d.faults.push({ on: 'blob', kind: 'before', when: (r) => r.range === second });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    expect(d.traffic.filter((t) => t.endpoint === 'push')).toEqual([]);
    await d.sync();
    expect(d.traffic.filter((t) => t.endpoint === 'blob').map((t) => [t.method, t.range ?? null, t.status ?? 'offline'])).toEqual([
      ['GET', null, 200],
      ['PUT', chunk(0, BLOB_CHUNK_BYTES - 1), 200],
      ['PUT', second, 'offline'],
      // The next cycle asks where the server is and sends only what it lacks.
      ['GET', null, 200],
      ['PUT', second, 200],
      ['PUT', chunk(2 * BLOB_CHUNK_BYTES, photo.length - 1), 201],
    ]);
    expect(await countIds(w, 'visits', [visit.id])).toBe(1);
    const stored = await w.app.inject({ method: 'GET', url: `/api/blobs/${blob.sha256}`, headers: d.session.headers });
    expect(stored.statusCode).toBe(200);
    expect(Buffer.compare(stored.rawPayload, Buffer.from(photo))).toBe(0);
    await expectConverged(w, d);
  });

  it('14: a full disk while saving keeps nothing partial; the retry is saved and synced once', async () => {
    const d = await ready('worker0');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored below, called with its own `this`
    const original = IDBObjectStore.prototype.add;
    let armed = true;
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (armed && this.name === 'outbox') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.apply(this, args);
    } as typeof original;
    const draft = d.visitDraft();
    const prevHash = await d.db.getMeta('prevHash');
    try {
      await expect(submitVisit(d.db, draft)).rejects.toBeInstanceOf(StorageFullError);
    } finally {
      armed = false;
      IDBObjectStore.prototype.add = original;
    }
    expect(await d.db.visits.get(draft.id)).toBeUndefined();
    expect(await d.db.outbox.count()).toBe(0);
    expect(await d.db.shadows.count()).toBe(0);
    expect(await d.db.getMeta('prevHash')).toBe(prevHash);
    await submitVisit(d.db, draft); // the caller kept its draft and saves it again
    await d.sync();
    expect(await countIds(w, 'visits', [draft.id])).toBe(1);
    await expectConverged(w, d);
  });

  it('15a: a restore that lost this client: new epoch, the device rotates its client id and its pending work arrives once', async () => {
    const d = await ready('worker2');
    const ids = [(await submitVisit(d.db, d.visitDraft())).visit.id, (await submitVisit(d.db, d.visitDraft())).visit.id];
    await d.sync(); // seqs 1, 2 confirmed and gone from the outbox
    ids.push((await submitVisit(d.db, d.visitDraft())).visit.id, (await submitVisit(d.db, d.visitDraft())).visit.id);
    d.faults.push({ on: 'pull', kind: 'before' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError); // 3, 4 pushed, not confirmed
    const oldClient = await d.db.clientId();
    // The restore: an older backup without this client and without visits 3 and 4, and a new epoch.
    await forgetClient(oldClient);
    await w.db.kysely.deleteFrom('visits').where('id', 'in', ids.slice(2)).execute();
    await setMeta(w.db.kysely, 'epoch', crypto.randomUUID());
    ids.push((await submitVisit(d.db, d.visitDraft())).visit.id); // seq 5, saved after the restore
    const result = await d.sync();
    expect(result.epochReset).toBe(true);
    const newClient = await d.db.clientId();
    expect(newClient).not.toBe(oldClient);
    expect(await d.db.outbox.count()).toBe(0);
    expect(await countIds(w, 'visits', ids)).toBe(5);
    // The new client's first push started at seq 3: accepted, not a gap.
    const first = d.traffic.find((t) => t.endpoint === 'push' && (t.body as { clientId: string }).clientId === newClient)!;
    expect(first.status).toBe(200);
    expect(await lastMutationIdOf(w, newClient)).toBe(5);
    await expectConverged(w, d);
  });

  it('15b: a restore that rolled this client back behind what the device still holds: the gap is not a dead end', async () => {
    const d = await ready('worker3');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submitVisit(d.db, d.visitDraft())).visit.id);
    await d.sync(); // 1..3 confirmed
    const oldClient = await d.db.clientId();
    await w.db.kysely.updateTable('sync_client').set({ last_mutation_id: 1 }).where('client_id', '=', oldClient).execute();
    await w.db.kysely.deleteFrom('visits').where('id', 'in', ids.slice(1)).execute();
    await setMeta(w.db.kysely, 'epoch', crypto.randomUUID());
    ids.push((await submitVisit(d.db, d.visitDraft())).visit.id); // seq 4: the server expects 2, the device has only 4
    const result = await d.sync();
    expect(result.epochReset).toBe(true);
    expect(d.traffic.filter((t) => t.endpoint === 'push').map((t) => t.status)).toEqual([200, 409, 200]);
    expect(await d.db.clientId()).not.toBe(oldClient);
    expect(await countIds(w, 'visits', [ids[0]!, ids[3]!])).toBe(2);
    // Visits 2 and 3 were confirmed before the restore: the device still shows them until the
    // resnapshot, which follows the server (the restore lost them; nothing on the device can resend them).
    await expectConverged(w, d);
  });

  it('15c: an old mutation version from an outbox written before an app update is still accepted', async () => {
    const d = await ready('worker0');
    const { visit } = await submitVisit(d.db, d.visitDraft());
    const [entry] = await d.db.outbox.toArray();
    expect(entry!.name).toBe('visit.submit@1');
    // An entry the app wrote before `task.complete@1` had its `note`: a task whose one place the
    // task's own visit covered (so no note is needed), completed in the old shape.
    const task = w.county.dataset.tasks.find((t) => t.gridId === grid(0).id && t.unannounced)!;
    const visited = w.county.dataset.visits.filter((v) => v.taskId === task.id).map((v) => v.placeId);
    expect(unvisitedPlaceIds(task, visited)).toEqual([]);
    const at = new Date().toISOString();
    const oldSeq = await d.db.outbox.add({
      name: 'task.complete@1',
      args: { taskId: task.id, at, visitIds: [] },
      at,
      keys: [rowKey('task', task.id)],
      blobRefs: [],
      acked: 0,
    });
    await d.sync();
    expect(await countIds(w, 'visits', [visit.id])).toBe(1);
    expect(answersOf(await d.db.clientId(), d).get(oldSeq)).toEqual(['applied']);
    const row = await w.db.kysely.selectFrom('tasks').select(['status', 'completion_note']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'done', completion_note: null });
    await expectConverged(w, d);
  });
});
