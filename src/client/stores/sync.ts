/**
 * Sync status for every view (SPEC §4.7): online or not, what is waiting and since when, the last
 * successful sync, rejected changes with reason and advice, and the device's storage (persistence,
 * quota warning, export of unsent work as a last resort).
 *
 * `connect()` after login binds the store to the user's database and starts the engine;
 * `disconnect()` on sign-out stops it.
 */
import { liveQuery, type Subscription } from 'dexie';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { unsentSummary } from '../auth/localData';
import type { GridPatrolDB } from '../db/database';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions, type SyncState } from '../sync/engine';
import { buildUnsentExport, downloadFile, unsentExportFile } from '../sync/exportUnsent';
import { mutationLabel, rejectionAdvice, SYNC_TEXT } from '../sync/text';
import type { SyncTransport } from '../sync/transport';

export const STORAGE_WARNING_RATIO = 0.8;

export interface RejectionView {
  seq: number;
  name: string;
  label: string;
  code: string;
  reason: string;
  whatToDo: string;
  at: string;
  rejectedAt: string;
}

export interface StorageStatus {
  usage: number;
  quota: number;
  ratio: number;
  warning: string | null;
}

export interface ConnectOptions extends Partial<Omit<SyncEngineOptions, 'db' | 'transport'>> {
  db: GridPatrolDB;
  transport: SyncTransport;
  /** Start the scheduler (default true); tests drive cycles by hand. */
  autoStart?: boolean;
}

export const useSyncStore = defineStore('sync', () => {
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  const pendingCount = ref(0);
  /** False until the outbox has been counted: the count is not shown as 0 before it is known. */
  const pendingKnown = ref(false);
  const oldestPendingAt = ref<string | null>(null);
  const clock = ref(Date.now());
  const lastSyncAt = ref<string | null>(null);
  const syncing = ref(false);
  const lastError = ref<{ code: string; message: string } | null>(null);
  const needsAuth = ref(false);
  const rejections = ref<RejectionView[]>([]);
  const persisted = ref<boolean | null>(null);
  const storage = ref<StorageStatus | null>(null);

  const db = shallowRef<GridPatrolDB | null>(null);
  const engine = shallowRef<SyncEngine | null>(null);
  let teardown: (() => void)[] = [];

  const oldestPendingAgeMs = computed(() =>
    oldestPendingAt.value === null ? null : Math.max(0, clock.value - Date.parse(oldestPendingAt.value)),
  );
  const hasUnsentWork = computed(() => pendingCount.value > 0);
  const statusText = computed(() => {
    if (needsAuth.value) return SYNC_TEXT.needsAuth;
    // A refused change leaves the outbox, so nothing would seem to wait: the refusals are named until
    // each is dismissed.
    if (rejections.value.length > 0) return SYNC_TEXT.rejected(rejections.value.length);
    if (!online.value) return SYNC_TEXT.offline;
    if (syncing.value) return SYNC_TEXT.syncing;
    if (!pendingKnown.value) return SYNC_TEXT.counting;
    return pendingCount.value > 0 ? SYNC_TEXT.pending(pendingCount.value) : SYNC_TEXT.allSynced;
  });

  function applyState(s: Readonly<SyncState>): void {
    syncing.value = s.syncing;
    lastSyncAt.value = s.lastSyncAt;
    lastError.value = s.lastError;
    needsAuth.value = s.needsAuth;
  }

  function watchQuery<T>(query: () => Promise<T>, next: (value: T) => void): void {
    const sub: Subscription = liveQuery(query).subscribe({
      next,
      error: (error: unknown) => {
        lastError.value = { code: 'local_db', message: error instanceof Error ? error.message : String(error) };
      },
    });
    teardown.push(() => sub.unsubscribe());
  }

  function connect(options: ConnectOptions): SyncEngine {
    disconnect();
    const { autoStart = true, db: database, transport, ...rest } = options;
    db.value = database;
    const created = createSyncEngine({ db: database, transport, ...rest });
    engine.value = created;
    teardown.push(created.subscribe(applyState));
    applyState(created.state);

    watchQuery(
      () => unsentSummary(database),
      (v) => {
        pendingCount.value = v.pending;
        pendingKnown.value = true;
        oldestPendingAt.value = v.oldestAt;
      },
    );
    watchQuery(
      () => database.rejections.orderBy('seq').toArray(),
      (rows) => {
        rejections.value = rows.map((r) => ({
          seq: r.seq,
          name: r.name,
          label: mutationLabel(r.name),
          code: r.code,
          ...rejectionAdvice(r.code, r.reason),
          at: r.at,
          rejectedAt: r.rejectedAt,
        }));
      },
    );
    void database.getMeta('lastSyncAt').then((at) => {
      if (at && lastSyncAt.value === null) lastSyncAt.value = at;
    });
    // The answer stored at an earlier login is shown only until this login's own answer arrives.
    void database.getMeta('persisted').then((p) => {
      if (p !== undefined && persisted.value === null) persisted.value = p;
    });

    if (typeof window !== 'undefined') {
      const up = () => (online.value = true);
      const down = () => (online.value = false);
      window.addEventListener('online', up);
      window.addEventListener('offline', down);
      teardown.push(() => {
        window.removeEventListener('online', up);
        window.removeEventListener('offline', down);
      });
    }
    const tick = setInterval(() => (clock.value = Date.now()), 30_000);
    teardown.push(() => clearInterval(tick));

    if (autoStart) {
      created.start();
      teardown.push(() => created.stop());
    }
    return created;
  }

  function disconnect(): void {
    for (const fn of teardown) fn();
    teardown = [];
    engine.value?.stop();
    engine.value = null;
    db.value = null;
    pendingCount.value = 0;
    pendingKnown.value = false;
    oldestPendingAt.value = null;
    rejections.value = [];
    lastSyncAt.value = null;
    persisted.value = null;
    lastError.value = null;
    needsAuth.value = false;
    syncing.value = false;
  }

  function notifyLocalWrite(): void {
    engine.value?.notifyLocalWrite();
  }

  async function syncNow(): Promise<void> {
    await engine.value?.syncNow();
  }

  /** Asks the browser not to evict this origin's data (after login) and remembers the answer. */
  async function requestPersistence(): Promise<boolean | null> {
    const s = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (!s?.persist) return null;
    const granted = (await s.persisted?.()) || (await s.persist());
    persisted.value = granted;
    await db.value?.setMeta('persisted', granted);
    return granted;
  }

  async function checkStorage(): Promise<StorageStatus | null> {
    const s = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (!s?.estimate) return null;
    const { usage = 0, quota = 0 } = await s.estimate();
    const ratio = quota > 0 ? usage / quota : 0;
    storage.value = {
      usage,
      quota,
      ratio,
      warning: ratio > STORAGE_WARNING_RATIO ? SYNC_TEXT.storageWarning(Math.round(ratio * 100)) : null,
    };
    return storage.value;
  }

  /** Builds the unsent-work file and hands it to the browser's download. */
  async function exportUnsent(): Promise<string | null> {
    if (!db.value) return null;
    const { blob, fileName } = unsentExportFile(await buildUnsentExport(db.value));
    downloadFile(blob, fileName);
    return fileName;
  }

  /** The worker has read a rejection and dealt with it. */
  async function dismissRejection(seq: number): Promise<void> {
    await db.value?.rejections.delete(seq);
  }

  return {
    online,
    pendingCount,
    pendingKnown,
    oldestPendingAt,
    oldestPendingAgeMs,
    hasUnsentWork,
    lastSyncAt,
    syncing,
    lastError,
    needsAuth,
    rejections,
    persisted,
    storage,
    statusText,
    connect,
    disconnect,
    notifyLocalWrite,
    syncNow,
    requestPersistence,
    checkStorage,
    exportUnsent,
    dismissRejection,
  };
});
