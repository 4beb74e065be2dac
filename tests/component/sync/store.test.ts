import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../../src/domain/canonical';
import { gridScope } from '../../../src/domain/scopes';
import { closeAllUserDbs } from '../../../src/client/db/database';
import { putBlob, submitVisit } from '../../../src/client/db/repositories';
import { buildUnsentExport, unsentExportFile } from '../../../src/client/sync/exportUnsent';
import { useSyncStore } from '../../../src/client/stores/sync';
import { SYNC_TEXT } from '../../../src/client/sync/text';
import { seededDb, visitDraft } from '../db/seed';
import { FakeServer } from './fakeServer';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  useSyncStore().disconnect();
  closeAllUserDbs();
});

describe('exportUnsent', () => {
  it('contains every unsent entry and unsent blob, with client and user', async () => {
    const w = await seededDb();
    const bytes = new TextEncoder().encode('photo-1');
    const sent = await putBlob(w.db, new TextEncoder().encode('already uploaded'), 'image/jpeg');
    await w.db.blobs.update(sent.sha256, { uploaded: 1 });
    const blob = await putBlob(w.db, bytes, 'image/jpeg');
    await submitVisit(w.db, visitDraft(w, { answers: [{ itemCode: 'A1', value: false, evidence: [blob.sha256] }] }));
    await submitVisit(w.db, visitDraft(w));
    await w.db.rejections.put({ seq: 99, name: 'task.start@1', args: {}, code: 'forbidden', reason: 'x', at: 'a', rejectedAt: 'b', keys: [] });

    const data = await buildUnsentExport(w.db, new Date('2025-05-12T08:00:00Z'));
    expect(data).toMatchObject({
      format: 'grid-patrol-unsent',
      clientId: await w.db.clientId(),
      userId: w.userId,
      exportedAt: '2025-05-12T08:00:00.000Z',
    });
    expect(data.mutations.map((m) => [m.seq, m.name])).toEqual([
      [1, 'visit.submit@1'],
      [2, 'visit.submit@1'],
    ]);
    expect(data.mutations[0]!.blobRefs).toEqual([blob.sha256]);
    expect(data.blobs).toHaveLength(1);
    const decoded = Uint8Array.from(atob(data.blobs[0]!.base64), (c) => c.charCodeAt(0));
    expect(await sha256Hex(decoded)).toBe(blob.sha256);
    expect(data.rejections.map((r) => r.seq)).toEqual([99]);

    const file = unsentExportFile(data);
    expect(file.fileName).toMatch(/^网格巡查-未同步数据-.*-2025-05-12\.json$/);
    expect(JSON.parse(await file.blob.text())).toEqual(data);
  });

  it('carries every photo an unsent change references, also one already uploaded', async () => {
    const w = await seededDb();
    const photo = await putBlob(w.db, new TextEncoder().encode('photo of the classroom'), 'image/jpeg');
    await submitVisit(w.db, visitDraft(w, { answers: [{ itemCode: 'A1', value: false, evidence: [photo.sha256] }] }));
    // The photo went up, the push of its visit did not.
    await w.db.blobs.update(photo.sha256, { uploaded: 1 });
    const data = await buildUnsentExport(w.db);
    expect(data.mutations).toHaveLength(1);
    expect(data.mutations[0]!.blobRefs).toEqual([photo.sha256]);
    expect(data.blobs.map((b) => b.sha256)).toEqual([photo.sha256]);
  });
});

describe('useSyncStore', () => {
  it('shows pending work, sync progress and rejections with advice', async () => {
    const w = await seededDb();
    const server = new FakeServer();
    server.held.add(gridScope(w.grid.id));
    server.reject = (m) => (m.seq === 1 ? { code: 'forbidden', reason: '' } : null);
    const store = useSyncStore();
    store.connect({ db: w.db, transport: server, autoStart: false, locks: null, windowTarget: null, documentTarget: null });
    // Until the outbox is counted the count is unknown, not 0 ("all synced" would be a lie).
    expect(store.pendingKnown).toBe(false);
    await vi.waitFor(() => expect(store.pendingKnown).toBe(true));
    await submitVisit(w.db, visitDraft(w));
    await submitVisit(w.db, visitDraft(w));
    await vi.waitFor(() => expect(store.pendingCount).toBe(2));
    expect(store.oldestPendingAt).not.toBeNull();
    expect(store.statusText).toContain('2 条更改待同步');

    await store.syncNow();
    await vi.waitFor(() => expect(store.pendingCount).toBe(0));
    expect(store.lastSyncAt).not.toBeNull();
    expect(store.syncing).toBe(false);
    await vi.waitFor(() => expect(store.rejections).toHaveLength(1));
    expect(store.rejections[0]).toMatchObject({ label: '检查记录', reason: '没有权限执行此操作' });
    expect(store.rejections[0]!.whatToDo).toContain('协调员');
    await store.dismissRejection(1);
    await vi.waitFor(() => expect(store.rejections).toHaveLength(0));
  });

  it('tracks online and offline', async () => {
    const w = await seededDb();
    const store = useSyncStore();
    store.connect({ db: w.db, transport: new FakeServer(), autoStart: false, locks: null, windowTarget: null, documentTarget: null });
    window.dispatchEvent(new Event('offline'));
    expect(store.online).toBe(false);
    expect(store.statusText).toContain('离线');
    window.dispatchEvent(new Event('online'));
    expect(store.online).toBe(true);
  });

  it('keeps the persistence answer and warns above 80 % of the quota', async () => {
    const w = await seededDb();
    vi.stubGlobal('navigator', {
      ...navigator,
      onLine: true,
      storage: {
        persisted: () => Promise.resolve(false),
        persist: () => Promise.resolve(true),
        estimate: () => Promise.resolve({ usage: 850, quota: 1000 }),
      },
    });
    const store = useSyncStore();
    store.connect({ db: w.db, transport: new FakeServer(), autoStart: false, locks: null, windowTarget: null, documentTarget: null });
    expect(await store.requestPersistence()).toBe(true);
    expect(await w.db.getMeta('persisted')).toBe(true);
    expect(store.persisted).toBe(true);
    const status = await store.checkStorage();
    expect(status?.warning).toContain('85%');
  });

  it('shows the persistence answer of this login, not the one stored at an earlier login', async () => {
    const w = await seededDb();
    await w.db.setMeta('persisted', false);
    vi.stubGlobal('navigator', {
      ...navigator,
      onLine: true,
      storage: { persisted: () => Promise.resolve(false), persist: () => Promise.resolve(true), estimate: () => Promise.resolve({ usage: 1, quota: 1000 }) },
    });
    const store = useSyncStore();
    store.connect({ db: w.db, transport: new FakeServer(), autoStart: false, locks: null, windowTarget: null, documentTarget: null });
    expect(await store.requestPersistence()).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(await w.db.getMeta('persisted')).toBe(true);
    expect(store.persisted).toBe(true);
  });

  it('exports unsent work as a download', async () => {
    const w = await seededDb();
    await submitVisit(w.db, visitDraft(w));
    const created = vi.fn((_b: Blob) => 'blob:unsent');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const store = useSyncStore();
    store.connect({ db: w.db, transport: new FakeServer(), autoStart: false, locks: null, windowTarget: null, documentTarget: null });
    const name = await store.exportUnsent();
    expect(name).toMatch(/\.json$/);
    expect(click).toHaveBeenCalledTimes(1);
    const text = await created.mock.calls[0]![0].text();
    expect((JSON.parse(text) as { mutations: unknown[] }).mutations).toHaveLength(1);
  });
});

describe('the export file name', () => {
  it('carries the Beijing date of the export, not the UTC one', () => {
    // 07:30 in Beijing on 13 May is still 12 May in UTC.
    expect(SYNC_TEXT.exportFileName('0190a000-0000-7000-8000-0000000000aa', '2025-05-12T23:30:00.000Z')).toBe('网格巡查-未同步数据-000000aa-2025-05-13.json');
  });
});
