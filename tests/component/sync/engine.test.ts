import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gridScope } from '../../../src/domain/scopes';
import type { PullRequest, PushRequest } from '../../../src/domain/sync';
import { PULL_PAGE_LIMIT, PUSH_BATCH_BYTES } from '../../../src/domain/transfer';
import { makePlace, makeVisit } from '../../factories';
import { closeAllUserDbs, GridPatrolDB } from '../../../src/client/db/database';
import { putBlob, submitVisit, updatePlace } from '../../../src/client/db/repositories';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffDelay,
  createSyncEngine,
  SyncProtocolError,
  type SyncEngineOptions,
} from '../../../src/client/sync/engine';
import { NetworkError, ServerError } from '../../../src/client/sync/transport';
import { seededDb, visitDraft, type LocalWorld } from '../db/seed';
import { FakeServer } from './fakeServer';

afterEach(() => closeAllUserDbs());

async function setup(options: Partial<SyncEngineOptions> = {}) {
  const w = await seededDb();
  const server = new FakeServer();
  server.held.add(gridScope(w.grid.id));
  for (const r of [w.county, w.township, w.community, w.grid, w.otherGrid]) server.put('region', r);
  server.put('place', w.place);
  server.put('place', w.otherPlace);
  const onUnauthorized = vi.fn();
  const engine = createSyncEngine({ db: w.db, transport: server, locks: null, windowTarget: null, documentTarget: null, onUnauthorized, ...options });
  return { ...w, server, engine, onUnauthorized };
}

/** A cycle during whose pull the user edits a place: a server change to it on that pull waits as a shadow. */
async function editDuringPull(t: Awaited<ReturnType<typeof setup>>, placeId: string, patch: Parameters<typeof updatePlace>[2]): Promise<void> {
  t.server.onPull = async () => {
    t.server.onPull = null;
    await updatePlace(t.db, placeId, patch); // written while the pull is on the wire
  };
  await t.engine.syncOnce();
}

const seqsOf = (server: FakeServer) =>
  server.calls.filter((c) => c.kind === 'push').map((c) => (c.body as PushRequest).mutations.map((m) => m.seq));

async function submitN(w: LocalWorld, n: number) {
  for (let i = 0; i < n; i++) await submitVisit(w.db, visitDraft(w));
}

describe('sync cycle', () => {
  it('pushes the outbox in seq order, pulls, then drains the outbox', async () => {
    const t = await setup();
    await submitN(t, 3);
    const result = await t.engine.syncOnce();
    expect(result).toMatchObject({ pushed: 3, rejected: 0, pages: 1 });
    expect(t.server.applied.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(await t.db.outbox.count()).toBe(0);
    expect(await t.db.getMeta('lastMutationId')).toBe(3);
    expect(await t.db.getMeta('lastSyncAt')).toBeTypeOf('string');
    expect(Object.keys((await t.db.getMeta('cursors'))!)).toEqual([gridScope(t.grid.id)]);
    // The pull brought the server's copies of the visits back; they equal the local ones.
    expect(await t.db.visits.count()).toBe(3);
  });

  it('pushes in batches of at most 500', async () => {
    const t = await setup();
    await t.db.outbox.bulkAdd(
      Array.from({ length: 1100 }, () => ({ name: 'task.start@1' as const, args: {}, at: new Date().toISOString(), keys: [], blobRefs: [], acked: 0 as const })),
    );
    await t.engine.syncOnce();
    expect(seqsOf(t.server).map((s) => s.length)).toEqual([500, 500, 100]);
    expect(await t.db.outbox.count()).toBe(0);
  });

  it('cuts a batch short by size, so long notes never make a push too large to accept', async () => {
    const t = await setup();
    // 200 changes of about 30 KB of Chinese text each (3 bytes per character in the request).
    const note = '巡'.repeat(10_000);
    await t.db.outbox.bulkAdd(
      Array.from({ length: 200 }, () => ({ name: 'task.complete@1' as const, args: { note }, at: new Date().toISOString(), keys: [], blobRefs: [], acked: 0 as const })),
    );
    await t.engine.syncOnce();
    const sizes = t.server.calls.filter((c) => c.kind === 'push').map((c) => new TextEncoder().encode(JSON.stringify(c.body)).length);
    expect(sizes.length).toBeGreaterThan(2);
    expect(Math.max(...sizes)).toBeLessThan(PUSH_BATCH_BYTES + 64 * 1024);
    expect(seqsOf(t.server).flat()).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await t.db.outbox.count()).toBe(0);
  });

  it('uploads referenced blobs before the mutation that needs them', async () => {
    const t = await setup();
    const blob = await putBlob(t.db, new TextEncoder().encode('photo'), 'image/jpeg');
    await submitVisit(t.db, visitDraft(t, { answers: [{ itemCode: 'A1', value: false, evidence: [blob.sha256] }] }));
    await t.engine.syncOnce();
    expect(t.server.calls.map((c) => c.kind).slice(0, 2)).toEqual(['blob', 'push']);
    expect(t.server.blobs.get(blob.sha256)).toEqual({ contentType: 'image/jpeg', size: 5 });
    expect((await t.db.blobs.get(blob.sha256))?.uploaded).toBe(1);
    await submitVisit(t.db, visitDraft(t, { answers: [{ itemCode: 'A1', value: false, evidence: [blob.sha256] }] }));
    await t.engine.syncOnce();
    expect(t.server.calls.filter((c) => c.kind === 'blob')).toHaveLength(1);
  });

  it('uploads the photo of a visit saved during the cycle before pushing that visit', async () => {
    const t = await setup();
    await submitVisit(t.db, visitDraft(t));
    let laterSeq = 0;
    let photoSha = '';
    t.server.onPush = async () => {
      t.server.onPush = null;
      // Saved while the first push is on the wire, after this cycle's photos went up.
      const photo = await putBlob(t.db, new TextEncoder().encode('photo taken mid-sync'), 'image/jpeg');
      photoSha = photo.sha256;
      laterSeq = (await submitVisit(t.db, visitDraft(t, { answers: [{ itemCode: 'A1', value: false, evidence: [photo.sha256] }] }))).seq;
    };
    await t.engine.syncOnce();
    const pushIndex = t.server.calls.findIndex((c) => c.kind === 'push' && (c.body as PushRequest).mutations.some((m) => m.seq === laterSeq));
    const blobIndex = t.server.calls.findIndex((c) => c.kind === 'blob' && c.body === photoSha);
    expect(pushIndex).toBeGreaterThan(-1);
    expect(blobIndex, JSON.stringify(t.server.calls.map((c) => c.kind))).toBeGreaterThan(-1);
    expect(blobIndex).toBeLessThan(pushIndex);
  });

  it('a lost push response is harmless: the resend is a duplicate and the outbox drains', async () => {
    const t = await setup();
    await submitN(t, 2);
    t.server.failPush = ['lost_response'];
    await expect(t.engine.syncOnce()).rejects.toBeInstanceOf(NetworkError);
    expect(await t.db.outbox.count()).toBe(2);
    expect(t.server.applied).toHaveLength(2);
    await t.engine.syncOnce();
    expect(t.server.applied).toHaveLength(2);
    expect(await t.db.outbox.count()).toBe(0);
    expect(seqsOf(t.server)).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('a gap error resends from the seq the server expects', async () => {
    const t = await setup();
    await submitN(t, 3);
    t.server.failPull = ['network'];
    await expect(t.engine.syncOnce()).rejects.toBeInstanceOf(NetworkError);
    // Pushed and acknowledged, not yet confirmed by a pull: still in the outbox.
    expect((await t.db.outbox.toArray()).map((e) => [e.seq, e.acked])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    const clientId = await t.db.clientId();
    t.server.clients.set(clientId, 1); // the server lost 2 and 3
    await submitN(t, 1);
    await t.engine.syncOnce();
    expect(seqsOf(t.server).slice(1)).toEqual([[4], [2, 3, 4]]);
    expect(t.server.clients.get(clientId)).toBe(4);
    expect(await t.db.outbox.count()).toBe(0);
  });

  it('a gap the outbox cannot fill is reported, not looped on', async () => {
    const t = await setup();
    await submitN(t, 2);
    await t.engine.syncOnce();
    t.server.clients.set(await t.db.clientId(), 0);
    await submitN(t, 1);
    const error: unknown = await t.engine.syncOnce().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncProtocolError);
    expect((error as SyncProtocolError).code).toBe('gap_unrecoverable');
    expect(await t.db.outbox.count()).toBe(1);
  });

  it('a rejected mutation is recorded with its reason and does not wedge the queue', async () => {
    const t = await setup();
    await submitN(t, 3);
    t.server.reject = (m) => (m.seq === 2 ? { code: 'forbidden', reason: '该场所不在您的辖区' } : null);
    const result = await t.engine.syncOnce();
    expect(result).toMatchObject({ pushed: 2, rejected: 1 });
    expect(t.server.applied.map((m) => m.seq)).toEqual([1, 3]);
    expect(await t.db.outbox.count()).toBe(0);
    const rejections = await t.db.rejections.toArray();
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ seq: 2, name: 'visit.submit@1', code: 'forbidden', reason: '该场所不在您的辖区' });
  });

  it('a network failure mid-push loses nothing', async () => {
    const t = await setup();
    await submitN(t, 2);
    const before = await t.db.outbox.toArray();
    t.server.failPush = ['network'];
    await expect(t.engine.syncOnce()).rejects.toBeInstanceOf(NetworkError);
    expect(await t.db.outbox.toArray()).toEqual(before);
    t.server.failPush = ['server'];
    await expect(t.engine.syncOnce()).rejects.toBeInstanceOf(ServerError);
    expect(await t.db.outbox.toArray()).toEqual(before);
    await t.engine.syncOnce();
    expect(t.server.applied.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('401 calls the re-authentication hook and leaves the outbox alone', async () => {
    const t = await setup();
    await submitN(t, 2);
    const before = await t.db.outbox.toArray();
    t.server.failPush = ['unauthorized'];
    await t.engine.syncNow();
    expect(t.onUnauthorized).toHaveBeenCalledTimes(1);
    expect(t.engine.state).toMatchObject({ needsAuth: true, lastError: { code: 'unauthenticated' } });
    expect(await t.db.outbox.toArray()).toEqual(before);
    // After signing in again the app asks for a sync.
    await t.engine.syncNow();
    expect(t.engine.state).toMatchObject({ needsAuth: false, lastError: null });
    expect(await t.db.outbox.count()).toBe(0);
  });

  it('401 with a login that renews itself: unreachable backs off, renewed syncs at once, refused asks the user', async () => {
    const answers: ('renewed' | 'unreachable' | 'refused')[] = ['unreachable', 'renewed'];
    const renewLogin = vi.fn(() => Promise.resolve(answers.shift() ?? 'refused'));
    const t = await setup({ renewLogin });
    await submitN(t, 1);
    t.server.failPush = ['unauthorized'];
    await t.engine.syncNow();
    // The server cannot be reached for the login: a failure like any other, retried with the backoff.
    expect(t.engine.state).toMatchObject({ needsAuth: false, failures: 1 });
    expect(t.engine.state.nextRetryAt).not.toBeNull();
    expect(t.onUnauthorized).not.toHaveBeenCalled();
    // The login renews: the cycle runs again at once and sends the change.
    t.server.failPush = ['unauthorized'];
    await t.engine.syncNow();
    expect(renewLogin).toHaveBeenCalledTimes(2);
    expect(t.engine.state).toMatchObject({ needsAuth: false, lastError: null });
    expect(await t.db.outbox.count()).toBe(0);
    // Nothing to renew with: the user is asked to sign in.
    await submitN(t, 1);
    t.server.failPush = ['unauthorized'];
    await t.engine.syncNow();
    expect(t.engine.state).toMatchObject({ needsAuth: true });
    expect(t.onUnauthorized).toHaveBeenCalledTimes(1);
  });
});

describe('a link too slow for full requests', () => {
  /** Cycles as the scheduler would run them after each failure, until one completes. */
  async function syncThrough(t: Awaited<ReturnType<typeof setup>>, attempts: number): Promise<number> {
    for (let i = 1; i <= attempts; i++) {
      try {
        await t.engine.syncOnce();
        return i;
      } catch (error) {
        expect(error).toBeInstanceOf(NetworkError);
        expect((error as NetworkError).code).toBe('timeout');
      }
    }
    throw new Error(`no cycle got through in ${attempts} attempts`);
  }

  it('cuts pushes, pull pages and photo chunks down until they get through, losing and repeating nothing', async () => {
    const t = await setup();
    for (let i = 0; i < 400; i++) t.server.put('place', makePlace({ gridId: t.grid.id, name: `场所${i}`, address: `某路${i}号，临街商铺二楼` }));
    const photo = await putBlob(t.db, new Uint8Array(100 * 1024).map((_, i) => i % 251), 'image/jpeg');
    await submitVisit(t.db, visitDraft(t, { answers: [{ itemCode: 'A1', value: false, evidence: [photo.sha256] }] }));
    const note = '巡'.repeat(300); // about 1 KB of JSON per change
    await t.db.outbox.bulkAdd(
      Array.from({ length: 120 }, () => ({ name: 'task.complete@1' as const, args: { note }, at: new Date().toISOString(), keys: [], blobRefs: [], acked: 0 as const })),
    );
    // What arrives within the time limit here: 40 KB per request.
    t.server.linkBytes = 40 * 1024;

    const attempts = await syncThrough(t, 12);
    expect(attempts).toBeGreaterThan(1);
    expect(t.server.blobs.get(photo.sha256)).toEqual({ contentType: 'image/jpeg', size: 100 * 1024 });
    expect(Math.max(...t.server.blobRequests.slice(-4))).toBeLessThanOrEqual(40 * 1024);
    // Every change reached the server once, in order, whatever was cut and sent again.
    expect(t.server.applied.map((m) => m.seq)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
    expect(await t.db.outbox.count()).toBe(0);
    expect(await t.db.places.count()).toBe(402);
    const pulls = t.server.calls.filter((c) => c.kind === 'pull').map((c) => (c.body as PullRequest).limit!);
    expect(Math.min(...pulls)).toBeLessThan(PULL_PAGE_LIMIT);

    // The signal comes back: requests grow to their full size again.
    t.server.linkBytes = null;
    await t.db.outbox.bulkAdd(
      Array.from({ length: 400 }, () => ({ name: 'task.complete@1' as const, args: { note }, at: new Date().toISOString(), keys: [], blobRefs: [], acked: 0 as const })),
    );
    t.server.calls.length = 0;
    await t.engine.syncOnce();
    const sizes = seqsOf(t.server).map((s) => s.length);
    expect(sizes.length).toBeLessThan(10);
    expect(Math.max(...sizes)).toBeGreaterThan(200);
  });
});

describe('pull', () => {
  it('follows hasMore across pages', async () => {
    const t = await setup();
    for (let i = 0; i < 5; i++) t.server.put('place', makePlace({ gridId: t.grid.id }));
    t.server.pageSize = 2;
    await t.db.places.clear();
    const result = await t.engine.syncOnce();
    expect(result.pages).toBeGreaterThanOrEqual(4);
    expect(await t.db.places.where('gridId').equals(t.grid.id).count()).toBe(6);
  });

  it('leaves rows with pending local work alone, and takes the server copy once confirmed', async () => {
    const t = await setup();
    await t.engine.syncOnce();
    t.server.put('place', { ...t.place, note: '服务器上的备注', version: 2 });
    await editDuringPull(t, t.place.id, { name: '本机改名' });
    expect(await t.db.places.get(t.place.id)).toMatchObject({ name: '本机改名', version: 1 });
    expect(await t.db.shadows.count()).toBe(1);
    await t.engine.syncOnce();
    expect(await t.db.places.get(t.place.id)).toMatchObject({ name: '本机改名', note: '服务器上的备注', version: 3 });
    expect(await t.db.shadows.count()).toBe(0);
  });

  it('falls back to the held-back server row when the pending change is rejected', async () => {
    const t = await setup();
    await t.engine.syncOnce();
    t.server.put('place', { ...t.place, name: '服务器名', version: 2 });
    await editDuringPull(t, t.place.id, { name: '本机改名' });
    t.server.reject = () => ({ code: 'forbidden', reason: '无权修改场所' });
    await t.engine.syncOnce();
    expect(await t.db.places.get(t.place.id)).toMatchObject({ name: '服务器名', version: 2 });
  });

  it('keeps a change confirmed by one page over the older held-back server row until the last page', async () => {
    const t = await setup();
    await t.engine.syncOnce();
    t.server.put('place', { ...t.place, note: '同事的备注', version: 2 });
    await editDuringPull(t, t.place.id, { name: '本机改名' });
    expect(await t.db.shadows.count()).toBe(1);
    expect(await t.db.places.get(t.place.id)).toMatchObject({ name: '本机改名' });
    // The rename is pushed; the first page confirms it but the merged row comes on a later page,
    // which the network cuts off.
    t.server.put('place', makePlace({ gridId: t.grid.id }));
    t.server.pageSize = 1;
    let pulls = 0;
    const realPull = t.server.pull.bind(t.server);
    t.server.pull = async (body) => {
      if (++pulls === 2) throw new NetworkError();
      return realPull(body);
    };
    await expect(t.engine.syncOnce()).rejects.toBeInstanceOf(NetworkError);
    expect(t.server.get('place', t.place.id)).toMatchObject({ name: '本机改名' });
    expect(await t.db.places.get(t.place.id)).toMatchObject({ name: '本机改名' });
    expect(await t.db.outbox.count()).toBe(1);
    t.server.pull = realPull;
    await t.engine.syncOnce();
    expect(await t.db.outbox.count()).toBe(0);
    expect(await t.db.shadows.count()).toBe(0);
    expect(await t.db.places.get(t.place.id)).toMatchObject({ name: '本机改名', note: '同事的备注', version: 3 });
  });

  it('discards a page whose cursors changed while it was on the wire', async () => {
    const t = await setup();
    await t.engine.syncOnce();
    const newcomer = makePlace({ gridId: t.grid.id });
    t.server.put('place', newcomer);
    t.server.onPull = async () => {
      t.server.onPull = null;
      // Another tab finished a pull meanwhile and moved the cursors.
      const cursors = (await t.db.getMeta('cursors'))!;
      await t.db.setMeta('cursors', { ...cursors, [gridScope(t.otherGrid.id)]: null });
    };
    const result = await t.engine.syncOnce();
    expect(result.stalePages).toBe(1);
    expect(await t.db.places.get(newcomer.id)).toBeUndefined();
  });

  it('purges dropped scopes but keeps rows with pending work', async () => {
    const t = await setup();
    t.server.held.add(gridScope(t.otherGrid.id));
    const third = makePlace({ gridId: t.otherGrid.id });
    t.server.put('place', third);
    const foreignVisit = makeVisit({ placeId: third.id, inspectorIds: [t.userId], templateId: t.templateId });
    t.server.put('visit', foreignVisit);
    await t.engine.syncOnce();
    expect(await t.db.places.count()).toBe(3);
    expect(await t.db.visits.get(foreignVisit.id)).toBeDefined();

    t.server.held.delete(gridScope(t.otherGrid.id));
    await editDuringPull(t, t.otherPlace.id, { note: '待同步' });
    expect(await t.db.places.get(third.id)).toBeUndefined();
    expect(await t.db.visits.get(foreignVisit.id)).toBeUndefined();
    expect(await t.db.places.get(t.otherPlace.id)).toMatchObject({ note: '待同步' });
    expect(await t.db.places.get(t.place.id)).toBeDefined();
    expect(await t.db.regions.get(t.otherGrid.id)).toBeUndefined();
    expect(await t.db.regions.get(t.township.id)).toBeDefined();
    expect(Object.keys((await t.db.getMeta('cursors'))!)).toEqual([gridScope(t.grid.id)]);
  });

  it('purges a row of a lost scope, kept only for its pending work, once that work is confirmed', async () => {
    const t = await setup();
    t.server.held.add(gridScope(t.otherGrid.id));
    await t.engine.syncOnce();
    expect(await t.db.places.get(t.otherPlace.id)).toBeDefined();
    t.server.held.delete(gridScope(t.otherGrid.id));
    await editDuringPull(t, t.otherPlace.id, { note: '待同步' });
    expect(await t.db.places.get(t.otherPlace.id)).toMatchObject({ note: '待同步' });
    await t.engine.syncOnce();
    expect(await t.db.outbox.count()).toBe(0);
    expect(Object.keys((await t.db.getMeta('cursors'))!)).toEqual([gridScope(t.grid.id)]);
    expect(await t.db.places.get(t.otherPlace.id)).toBeUndefined();
    expect(await t.db.places.get(t.place.id)).toBeDefined();
  });

  it('purges a row of a lost scope, kept only for its pending work, once that work is rejected', async () => {
    const t = await setup();
    t.server.held.add(gridScope(t.otherGrid.id));
    await t.engine.syncOnce();
    t.server.held.delete(gridScope(t.otherGrid.id));
    await editDuringPull(t, t.otherPlace.id, { note: '待同步' });
    expect(await t.db.places.get(t.otherPlace.id)).toMatchObject({ note: '待同步' });
    t.server.reject = () => ({ code: 'forbidden', reason: '该场所不在您的辖区' });
    await t.engine.syncOnce();
    expect(await t.db.rejections.count()).toBe(1);
    expect(await t.db.places.get(t.otherPlace.id)).toBeUndefined();
    expect(await t.db.places.get(t.place.id)).toBeDefined();
  });

  it('an epoch change resets the cursors and resnapshots, keeping pending work', async () => {
    const t = await setup();
    const gone = makePlace({ gridId: t.grid.id });
    t.server.put('place', gone);
    await t.engine.syncOnce();
    expect(await t.db.places.get(gone.id)).toBeDefined();

    t.server.forget('place', gone.id); // not in the restored backup, and no tombstone says so
    t.server.restore('epoch-2');
    t.server.onPull = async (req) => {
      if (req.epoch === 'epoch-1') await submitVisit(t.db, visitDraft(t));
    };
    const result = await t.engine.syncOnce();
    expect(result.epochReset).toBe(true);
    expect(await t.db.getMeta('epoch')).toBe('epoch-2');
    expect(await t.db.places.get(gone.id)).toBeUndefined();
    expect(await t.db.places.get(t.place.id)).toBeDefined();
    expect(await t.db.visits.count()).toBe(1); // the pending visit stayed
    const pullBodies = t.server.calls.filter((c) => c.kind === 'pull').map((c) => c.body as { epoch: string | null; cursors: object });
    expect(pullBodies.at(-1)).toMatchObject({ epoch: 'epoch-2' });
  });
});

describe('orchestration', () => {
  it('two tabs on the same database never run cycles at the same time', async () => {
    const t = await setup();
    await submitN(t, 3);
    const otherTab = new GridPatrolDB(t.userId);
    const second = createSyncEngine({ db: otherTab, transport: t.server, locks: null, windowTarget: null, documentTarget: null });
    const order: string[] = [];
    const wrap = (name: string, p: Promise<unknown>) => p.then(() => order.push(name));
    await Promise.all([
      wrap('a1', t.engine.syncOnce()),
      wrap('b1', second.syncOnce()),
      wrap('a2', t.engine.syncOnce()),
      wrap('b2', second.syncOnce()),
    ]);
    otherTab.close();
    expect(t.server.maxInFlight).toBe(1);
    expect(t.server.applied.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it('uses the Web Locks API with the per-user lock name when given', async () => {
    const names: string[] = [];
    const locks = {
      request<T>(name: string, cb: () => Promise<T>): Promise<T> {
        names.push(name);
        return cb();
      },
    };
    const t = await setup({ locks });
    await t.engine.syncOnce();
    expect(names).toEqual([`grid-patrol-sync-${t.userId}`]);
  });

  it('syncs on start and when the network returns; backs off after failures', async () => {
    const win = new EventTarget();
    const t = await setup({ windowTarget: win, random: () => 0 });
    await submitN(t, 1);
    t.server.failPush = ['network'];
    t.engine.start();
    await vi.waitFor(() => expect(t.engine.state.failures).toBe(1));
    expect(t.engine.state.nextRetryAt).not.toBeNull();
    expect(t.engine.state.lastError?.code).toBe('offline');
    win.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(t.engine.state.lastError).toBeNull());
    expect(await t.db.outbox.count()).toBe(0);
    t.engine.stop();
  });

  it('computes backoff with jitter, doubling from 2 s up to 5 min', () => {
    expect(backoffDelay(1, () => 1)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelay(1, () => 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffDelay(3, () => 1)).toBe(4 * BACKOFF_BASE_MS);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_CAP_MS);
  });

  it('debounces local writes into one cycle', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const t = await setup();
      const spy = vi.spyOn(t.engine, 'syncOnce');
      const pulls = () => t.server.calls.filter((c) => c.kind === 'pull').length;
      t.engine.notifyLocalWrite();
      t.engine.notifyLocalWrite();
      vi.advanceTimersByTime(999);
      expect(pulls()).toBe(0);
      t.engine.notifyLocalWrite();
      vi.advanceTimersByTime(1000);
      vi.useRealTimers();
      await vi.waitFor(() => expect(t.engine.state.lastSyncAt).not.toBeNull());
      expect(pulls()).toBe(1);
      spy.mockRestore();
    } finally {
      vi.useRealTimers();
    }
  });
});
