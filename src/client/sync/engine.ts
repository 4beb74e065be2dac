/**
 * The client sync engine (SPEC §8). One cycle: push the outbox in seq order, each batch after the
 * blobs it references → pull pages until the server has no more. One cycle at a time per user
 * across tabs (Web Locks, else an in-process mutex). The scheduler runs cycles on start, when the
 * network returns, on becoming visible, after local writes (debounced) and every minute while
 * visible, backing off exponentially with jitter after failures.
 *
 * Outbox entries live until the last page of a pull says the server has them
 * (`seq ≤ lastMutationId`); a push answer only marks them acknowledged. That keeps the rows they
 * touched safe from older server versions, and lets a gap error rewind to any seq the server still
 * lacks.
 */
import type { PullRequest, PullResponse, PushResponse } from '../../domain/sync';
import { uuidv7 } from '../../domain/ids';
import {
  BLOB_CHUNK_BYTES,
  BLOB_MIN_CHUNK_BYTES,
  PULL_MIN_LIMIT,
  PULL_PAGE_LIMIT,
  PUSH_BATCH,
  PUSH_BATCH_BYTES,
  PUSH_MIN_BYTES,
} from '../../domain/transfer';
import type { GridPatrolDB, StoredOutboxEntry } from '../db/database';
import { Allowance } from './allowance';
import { applyOrShadow, clearSynced, pendingKeys, pullTables, purgeDropped, settleShadows } from './apply';
import {
  MutationGapError,
  NetworkError,
  ServerError,
  timedOut,
  TransportError,
  UnauthorizedError,
  type SyncTransport,
} from './transport';

export const DEBOUNCE_MS = 1_000;
export const PERIOD_MS = 60_000;
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
const MAX_PULL_PAGES = 10_000;
const MAX_GAPS_PER_CYCLE = 3;

export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The engine's own failures (not the transport's): the outbox cannot satisfy the server. */
export class SyncProtocolError extends Error {
  override readonly name = 'SyncProtocolError';
  constructor(
    readonly code: 'gap_unrecoverable' | 'no_progress',
    message: string,
  ) {
    super(message);
  }
}

export interface SyncResult {
  blobsUploaded: number;
  pushed: number;
  rejected: number;
  pages: number;
  stalePages: number;
  epochReset: boolean;
}

export interface SyncState {
  syncing: boolean;
  lastSyncAt: string | null;
  lastError: { code: string; message: string } | null;
  failures: number;
  nextRetryAt: number | null;
  /** A 401 stopped automatic syncing until `syncNow()` after re-authentication. */
  needsAuth: boolean;
}

export type SyncTrigger = 'start' | 'online' | 'visible' | 'write' | 'periodic' | 'retry' | 'manual';

export interface SyncEngineOptions {
  db: GridPatrolDB;
  transport: SyncTransport;
  now?: () => number;
  random?: () => number;
  /** `undefined`: navigator.locks when present; `null`: the in-process mutex only. */
  locks?: LockManagerLike | null;
  onUnauthorized?: () => void;
  /**
   * Signs in again by itself when it can (after an offline unlock, with the password then typed):
   * `renewed` runs the cycle again at once, `unreachable` retries with the backoff, `refused` (the
   * default) stops automatic syncing until `syncNow()` after the user signs in.
   */
  renewLogin?: () => Promise<'renewed' | 'unreachable' | 'refused'>;
  /** Where `online` is heard (window) and `visibilitychange` (document); tests pass their own. */
  windowTarget?: EventTarget | null;
  documentTarget?: (EventTarget & { visibilityState?: DocumentVisibilityState }) | null;
}

export interface SyncEngine {
  /** One full cycle under the lock; throws the failure (typed transport errors, SyncProtocolError). */
  syncOnce(): Promise<SyncResult>;
  /** Starts the scheduler (idempotent) and runs a first cycle. */
  start(): void;
  stop(): void;
  /** Debounced cycle after a local write. */
  notifyLocalWrite(): void;
  /** A cycle now, also after a 401 once the user signed in again. */
  syncNow(): Promise<void>;
  readonly state: Readonly<SyncState>;
  subscribe(listener: (state: Readonly<SyncState>) => void): () => void;
}

// ---- locking -------------------------------------------------------------------------------------

const mutexTails = new Map<string, Promise<unknown>>();

/** The fallback when Web Locks are missing: serialises callers of the same name in this realm. */
export const inProcessLocks: LockManagerLike = {
  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const tail = mutexTails.get(name) ?? Promise.resolve();
    const run = tail.then(callback, callback);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    mutexTails.set(name, settled);
    void settled.then(() => {
      if (mutexTails.get(name) === settled) mutexTails.delete(name);
    });
    return run;
  },
};

function defaultLocks(): LockManagerLike {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  const locks = nav?.locks;
  if (locks && typeof locks.request === 'function') {
    return { request: <T>(name: string, callback: () => Promise<T>) => locks.request(name, () => callback()) as unknown as Promise<T> };
  }
  return inProcessLocks;
}

export function syncLockName(userId: string): string {
  return `grid-patrol-sync-${userId}`;
}

/** Full-jitter-ish exponential backoff: between half and all of min(cap, base·2^(failures−1)). */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

function sameCursors(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof TransportError || error instanceof SyncProtocolError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'error', message: error.message };
  return { code: 'error', message: String(error) };
}

// ---- the engine ----------------------------------------------------------------------------------

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, transport } = options;
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const locks = options.locks === undefined ? defaultLocks() : (options.locks ?? inProcessLocks);
  const win = options.windowTarget === undefined ? (typeof window === 'undefined' ? null : window) : options.windowTarget;
  const doc = options.documentTarget === undefined ? (typeof document === 'undefined' ? null : document) : options.documentTarget;
  const lockName = syncLockName(db.userId);

  const state: SyncState = { syncing: false, lastSyncAt: null, lastError: null, failures: 0, nextRetryAt: null, needsAuth: false };
  // What one request carries, cut down after a timeout on a slow link and grown back after successes.
  const pushBytes = new Allowance(PUSH_BATCH_BYTES, PUSH_MIN_BYTES);
  const pullLimit = new Allowance(PULL_PAGE_LIMIT, PULL_MIN_LIMIT);
  const chunkBytes = new Allowance(BLOB_CHUNK_BYTES, BLOB_MIN_CHUNK_BYTES);
  const listeners = new Set<(s: Readonly<SyncState>) => void>();
  let pullGeneration = 0;

  function emit(patch: Partial<SyncState>): void {
    Object.assign(state, patch);
    const snapshot = { ...state };
    for (const l of listeners) l(snapshot);
  }

  const iso = () => new Date(now()).toISOString();

  // -- blobs --

  /** Uploads the blobs `batch` references that the server has not received yet. */
  async function uploadBlobs(batch: StoredOutboxEntry[]): Promise<number> {
    const refs = new Set(batch.flatMap((e) => e.blobRefs));
    if (refs.size === 0) return 0;
    const rows = await db.blobs.bulkGet([...refs]);
    let uploaded = 0;
    for (const row of rows) {
      // A referenced blob missing on this device cannot be sent; the server will judge the mutation.
      if (!row || row.uploaded === 1) continue;
      const data = new Blob([row.data], { type: row.contentType });
      await chunkBytes.send((chunk) => transport.putBlob(row.sha256, data, row.contentType, chunk), timedOut);
      await db.blobs.update(row.sha256, { uploaded: 1 });
      uploaded++;
    }
    return uploaded;
  }

  // -- push --

  async function markBlobsUnsent(batch: StoredOutboxEntry[]): Promise<void> {
    const refs = [...new Set(batch.flatMap((e) => e.blobRefs))];
    if (refs.length > 0) await db.blobs.where('sha256').anyOf(refs).modify({ uploaded: 0 });
  }

  /**
   * The next push batch: unacknowledged entries in seq order (`acked` leads the [acked+seq] index),
   * at most PUSH_BATCH of them and, after the first, no more than `maxBytes` of JSON (PUSH_BATCH_BYTES,
   * or less on a slow link).
   */
  async function nextBatch(maxBytes: number): Promise<StoredOutboxEntry[]> {
    const entries = await db.outbox.where('acked').equals(0).limit(PUSH_BATCH).toArray();
    const encoder = new TextEncoder();
    let bytes = 0;
    for (let i = 0; i < entries.length; i++) {
      bytes += encoder.encode(JSON.stringify(entries[i]!.args)).length;
      if (i > 0 && bytes > maxBytes) return entries.slice(0, i);
    }
    return entries;
  }

  /** Records the push answer: acknowledged entries are marked, rejected ones move to `rejections`. */
  async function recordPush(batch: StoredOutboxEntry[], response: PushResponse): Promise<{ acked: number; rejected: number }> {
    const bySeq = new Map(batch.map((e) => [e.seq, e]));
    const rejectedAt = iso();
    return db.transaction('rw', [...pullTables(db), db.rejections], async () => {
      let rejected = 0;
      const rejectedSeqs = new Set<number>();
      const rejectedKeys = new Set<string>();
      for (const r of response.results) {
        if (r.status !== 'rejected') continue;
        const entry = bySeq.get(r.seq);
        if (!entry) continue;
        await db.rejections.put({
          seq: entry.seq,
          name: entry.name,
          args: entry.args,
          code: r.code ?? 'rejected',
          reason: r.reason ?? '',
          at: entry.at,
          rejectedAt,
          keys: entry.keys,
        });
        await db.outbox.delete(entry.seq);
        rejectedSeqs.add(entry.seq);
        for (const k of entry.keys) rejectedKeys.add(k);
        rejected++;
      }
      const ackSeqs = batch.filter((e) => e.seq <= response.lastMutationId && !rejectedSeqs.has(e.seq)).map((e) => e.seq);
      await db.outbox.where('seq').anyOf(ackSeqs).modify({ acked: 1 });
      // A rejected change leaves its rows to the server's version, held back while it was pending.
      // A row changed only by rejected work returns to the version it had before (its base).
      if (rejected > 0) {
        await settleShadows(db, rejectedKeys);
        // A row of a lost scope kept only for the rejected work goes now.
        const held = new Set(Object.keys((await db.getMeta('cursors')) ?? {}));
        await purgeDropped(db, [], held, await pendingKeys(db), true);
      }
      return { acked: ackSeqs.length, rejected };
    });
  }

  /** After a gap error: everything below `expected` is on the server, everything from it must be resent. */
  async function rewindTo(expected: number): Promise<void> {
    await db.transaction('rw', db.outbox, async () => {
      const first = await db.outbox.where('seq').aboveOrEqual(expected).first();
      if (first && first.seq !== expected) {
        throw new SyncProtocolError(
          'gap_unrecoverable',
          `服务器缺少本机第 ${expected} 条以后的更改，而本机已不再保存它们；请导出未同步数据并联系管理员。`,
        );
      }
      await db.outbox.where('seq').below(expected).modify({ acked: 1 });
      await db.outbox.where('seq').aboveOrEqual(expected).modify({ acked: 0 });
    });
  }

  async function pushAll(clientId: string): Promise<{ blobsUploaded: number; pushed: number; rejected: number }> {
    let blobsUploaded = 0;
    let pushed = 0;
    let rejected = 0;
    let gaps = 0;
    let blobRetries = 0;
    for (;;) {
      const batch = await nextBatch(pushBytes.current);
      if (batch.length === 0) return { blobsUploaded, pushed, rejected };
      // Per batch, not once per cycle: a change saved while an earlier batch was on the wire may
      // reference a photo taken after this cycle began.
      blobsUploaded += await uploadBlobs(batch);
      let response: PushResponse;
      try {
        const mutations = batch.map((e) => ({ seq: e.seq, name: e.name, args: e.args, at: e.at }));
        response = await pushBytes.send(() => transport.push({ clientId, mutations }), timedOut);
      } catch (error) {
        if (error instanceof MutationGapError && gaps < MAX_GAPS_PER_CYCLE) {
          gaps++;
          await rewindTo(error.expected);
          continue;
        }
        if (isBlobMissing(error)) {
          // The server lacks a photo this device marked as sent (lost by a restore, or never stored):
          // without sending it again the queue would wait for it forever.
          await markBlobsUnsent(batch);
          if (blobRetries++ < 1) continue;
        }
        throw error;
      }
      const done = await recordPush(batch, response);
      if (done.acked + done.rejected === 0) {
        throw new SyncProtocolError('no_progress', '服务器未确认任何更改，稍后重试');
      }
      pushed += done.acked;
      rejected += done.rejected;
    }
  }

  // -- pull --

  type PageOutcome = 'applied' | 'stale' | 'epoch_reset';

  async function applyPage(request: PullRequest, page: PullResponse, generation: number): Promise<PageOutcome> {
    return db.transaction('rw', [...pullTables(db), db.blobs], async () => {
      if (generation !== pullGeneration) return 'stale';
      const epoch = (await db.getMeta('epoch')) ?? null;
      const cursors = (await db.getMeta('cursors')) ?? {};
      if (epoch !== request.epoch || !sameCursors(cursors, request.cursors)) return 'stale';
      // The page's lastMutationId speaks of the client id it was asked for, not of a rotated one.
      if ((await db.getMeta('clientId')) !== request.clientId) return 'stale';

      if (request.epoch !== null && page.epoch !== request.epoch) {
        // The server database was restored: what this device synced may no longer exist there, and
        // the server's idea of this client (its lastMutationId, even its row) may be older than the
        // outbox. Keep pending work (and resend what was only acknowledged) under a NEW client id:
        // the server accepts a new client's first push at any seq, and every mutation is idempotent
        // by the ids it carries, so what the restored server still has is answered as a duplicate.
        // Blobs it may have lost are uploaded again (PUT is idempotent). Resnapshot everything else.
        await clearSynced(db, await pendingKeys(db));
        await db.outbox.toCollection().modify({ acked: 0 });
        const refs = new Set<string>();
        await db.outbox.each((e) => e.blobRefs.forEach((r) => refs.add(r)));
        if (refs.size > 0) await db.blobs.where('sha256').anyOf([...refs]).modify({ uploaded: 0 });
        await db.setMeta('clientId', uuidv7());
        await db.setMeta('epoch', page.epoch);
        await db.setMeta('cursors', {});
        await db.setMeta('lastMutationId', 0);
        return 'epoch_reset';
      }

      // Only the last page confirms: the row a confirmed mutation wrote may come on a later page, and
      // until it has, the local row must stand over the older server row held back as its shadow.
      // The last page's lastMutationId was read under the xid horizon every scope's cursor has then
      // caught up to, so all the server wrote for those mutations has arrived by then.
      const confirmed = page.hasMore ? ((await db.getMeta('lastMutationId')) ?? 0) : page.lastMutationId;
      const pending = await pendingKeys(db, confirmed);
      for (const change of page.changes) await applyOrShadow(db, change, pending);

      const next: Record<string, string | null> = { ...cursors, ...page.cursors };
      for (const s of page.dropScopes) delete next[s];

      await db.setMeta('epoch', page.epoch);
      await db.setMeta('cursors', next);
      if (!page.hasMore) {
        await db.setMeta('lastMutationId', page.lastMutationId);
        // Only now, with the last page applied in this same transaction, are these entries confirmed.
        await db.outbox.where('seq').belowOrEqual(page.lastMutationId).delete();
        await settleShadows(db);
      }
      // After the shadows settled: settling may put back a row of a lost scope whose work just ended.
      await purgeDropped(db, page.dropScopes, new Set(Object.keys(next)), pending, !page.hasMore);
      return 'applied';
    });
  }

  async function pullAll(): Promise<{ pages: number; stalePages: number; epochReset: boolean }> {
    let pages = 0;
    let epochReset = false;
    for (let i = 0; i < MAX_PULL_PAGES; i++) {
      const generation = ++pullGeneration;
      const request: PullRequest = {
        // Read per page: an epoch reset rotates the client id.
        clientId: await db.clientId(),
        epoch: (await db.getMeta('epoch')) ?? null,
        cursors: (await db.getMeta('cursors')) ?? {},
        limit: pullLimit.current,
      };
      const page = await pullLimit.send(() => transport.pull(request), timedOut);
      const outcome = await applyPage(request, page, generation);
      if (outcome === 'stale') return { pages, stalePages: 1, epochReset };
      if (outcome === 'epoch_reset') {
        if (epochReset) throw new SyncProtocolError('no_progress', '服务器数据版本反复变化，稍后重试');
        epochReset = true;
        continue;
      }
      pages++;
      if (!page.hasMore) break;
    }
    return { pages, stalePages: 0, epochReset };
  }

  // -- one cycle --

  async function cycle(): Promise<SyncResult> {
    const result: SyncResult = { blobsUploaded: 0, pushed: 0, rejected: 0, pages: 0, stalePages: 0, epochReset: false };
    // A second round only after a pull found the server restored: the kept work then goes out under
    // the new client id, and the pull after it confirms it.
    for (let round = 0; round < 2; round++) {
      let gap: SyncProtocolError | null = null;
      try {
        const pushed = await pushAll(await db.clientId());
        result.blobsUploaded += pushed.blobsUploaded;
        result.pushed += pushed.pushed;
        result.rejected += pushed.rejected;
      } catch (error) {
        // The server lacks changes the outbox no longer holds: it was probably restored. The pull
        // tells (a new epoch rotates the client id); otherwise the gap is reported.
        if (!(error instanceof SyncProtocolError && error.code === 'gap_unrecoverable' && round === 0)) throw error;
        gap = error;
      }
      const pulled = await pullAll();
      result.pages += pulled.pages;
      result.stalePages += pulled.stalePages;
      result.epochReset ||= pulled.epochReset;
      if (!pulled.epochReset) {
        if (gap) throw gap;
        break;
      }
    }
    const at = iso();
    await db.setMeta('lastSyncAt', at);
    emit({ lastSyncAt: at });
    return result;
  }

  function syncOnce(): Promise<SyncResult> {
    return locks.request(lockName, cycle);
  }

  // -- scheduling --

  let started = false;
  let running: Promise<void> | null = null;
  let again = false;
  let debounceTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let periodTimer: ReturnType<typeof setInterval> | null = null;

  function isVisible(): boolean {
    return doc?.visibilityState === undefined || doc.visibilityState === 'visible';
  }

  function trigger(reason: SyncTrigger): void {
    if (state.needsAuth && reason !== 'manual') return;
    // Routine triggers wait out a backoff; the network returning or the user looking do not.
    if ((reason === 'write' || reason === 'periodic') && state.nextRetryAt !== null && now() < state.nextRetryAt) return;
    if (running) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = null;
      if (again) {
        again = false;
        trigger('retry');
      }
    });
  }

  async function run(): Promise<void> {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    emit({ syncing: true });
    try {
      await syncOnce();
      emit({ syncing: false, lastError: null, failures: 0, nextRetryAt: null });
    } catch (error) {
      const renewed = error instanceof UnauthorizedError ? ((await options.renewLogin?.()) ?? 'refused') : null;
      if (renewed === 'renewed') {
        emit({ syncing: false, lastError: null });
        again = true;
        return;
      }
      if (renewed === 'refused') {
        again = false;
        emit({ syncing: false, lastError: describe(error), needsAuth: true, nextRetryAt: null });
        options.onUnauthorized?.();
        return;
      }
      const failures = state.failures + 1;
      const delay = backoffDelay(failures, random);
      const nextRetryAt = now() + delay;
      emit({ syncing: false, lastError: describe(error), failures, nextRetryAt });
      again = false;
      if (started) retryTimer = setTimeout(() => trigger('retry'), delay);
    }
  }

  const onOnline = () => trigger('online');
  const onVisibility = () => {
    if (isVisible()) trigger('visible');
  };

  function start(): void {
    if (started) return;
    started = true;
    win?.addEventListener('online', onOnline);
    doc?.addEventListener('visibilitychange', onVisibility);
    periodTimer = setInterval(() => {
      if (isVisible()) trigger('periodic');
    }, PERIOD_MS);
    void db.getMeta('lastSyncAt').then((at) => {
      if (at && state.lastSyncAt === null) emit({ lastSyncAt: at });
    });
    trigger('start');
  }

  function stop(): void {
    started = false;
    win?.removeEventListener('online', onOnline);
    doc?.removeEventListener('visibilitychange', onVisibility);
    for (const t of [debounceTimer, retryTimer]) if (t !== null) clearTimeout(t);
    if (periodTimer !== null) clearInterval(periodTimer);
    debounceTimer = retryTimer = periodTimer = null;
  }

  function notifyLocalWrite(): void {
    if (debounceTimer !== null) clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => {
      debounceTimer = null;
      trigger('write');
    }, DEBOUNCE_MS);
  }

  async function syncNow(): Promise<void> {
    if (state.needsAuth) emit({ needsAuth: false });
    trigger('manual');
    while (running) await running;
  }

  return {
    syncOnce,
    start,
    stop,
    notifyLocalWrite,
    syncNow,
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The push waits for a blob the server does not have (503 with `details.code` `blob_missing`). */
function isBlobMissing(error: unknown): boolean {
  return error instanceof ServerError && (error.details as { code?: unknown } | undefined)?.code === 'blob_missing';
}

/** Whether a failure is worth retrying unchanged later (the scheduler backs off either way). */
export function isTransient(error: unknown): boolean {
  return error instanceof NetworkError || error instanceof ServerError;
}
