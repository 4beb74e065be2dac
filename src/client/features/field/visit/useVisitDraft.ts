/**
 * The draft of an open visit on the device: every change is written to the `meta` table under
 * `draft:<placeId>:<taskId|adhoc|self|amend-…>`, so a reload, a crash or a flat battery restores the
 * form exactly. Discarding is explicit. Photos already live in the blobs table; the ones a draft
 * dropped are released when it ends, unless something else still references them.
 */
import { ref, watch, type Ref } from 'vue';
import type { GridPatrolDB } from '../../../db/database';
import { userMessage } from '../../../db/errors';
import { VISIT_TEXT } from './text';
import { DRAFT_PREFIX, isDraftState, type VisitDraftState } from './visitDraft';

export async function loadDraft(db: GridPatrolDB, key: string): Promise<VisitDraftState | null> {
  const row = await db.meta.get(key);
  return row && isDraftState(row.value) ? row.value : null;
}

/** Every hash a draft references now. */
export function draftPhotos(s: VisitDraftState): string[] {
  return [...Object.values(s.answers).flatMap((a) => a.evidence), ...s.findings.flatMap((f) => f.evidence)];
}

/**
 * Deletes the draft and the blobs it took that are not yet uploaded and referenced by no pending
 * mutation and no other draft. `keep` are hashes the caller has just submitted.
 */
export async function endDraft(db: GridPatrolDB, key: string, keep: readonly string[] = []): Promise<void> {
  await db.transaction('rw', [db.meta, db.blobs, db.outbox], async () => {
    const value = (await db.meta.get(key))?.value;
    await db.meta.delete(key);
    if (isDraftState(value)) await releaseDraftPhotos(db, value, keep);
  });
}

/**
 * Removes the photos a finished or abandoned draft took that nothing keeps: not `keep` (its saved
 * visit's evidence), not referenced by the outbox or another draft, and not uploaded.
 */
export async function releaseDraftPhotos(db: GridPatrolDB, value: VisitDraftState, keep: readonly string[] = []): Promise<void> {
  await db.transaction('rw', [db.meta, db.blobs, db.outbox], async () => {
    const candidates = new Set([...value.photos, ...draftPhotos(value)]);
    for (const sha of keep) candidates.delete(sha);
    if (candidates.size === 0) return;
    await db.outbox.each((e) => e.blobRefs.forEach((sha) => candidates.delete(sha)));
    const others = await db.meta.where('key').startsWith(DRAFT_PREFIX).toArray();
    for (const other of others) if (isDraftState(other.value)) draftPhotos(other.value).forEach((sha) => candidates.delete(sha));
    for (const sha of candidates) {
      const blob = await db.blobs.get(sha);
      if (blob && blob.uploaded === 0) await db.blobs.delete(sha);
    }
  });
}

export interface DraftStore {
  /** Why the last save failed (full disk); the form stays open and keeps the state in memory. */
  saveError: Ref<string | null>;
  /** Resolves when every change so far is on disk. */
  flush: () => Promise<void>;
  /** Stops saving (before submit or discard) and waits for the writes in flight. */
  stop: () => Promise<void>;
  /** Saving again after a failed submit. */
  resume: () => void;
}

/**
 * Saves `state` after every change, one write at a time: the changes of one tick (a tap sets a value,
 * clears a suggestion mark, adds a note) make one write, queued the moment the first is made, so
 * `flush` and `stop` wait for it and a crash loses at most the tick in progress. Changes made while a
 * write is under way go together in the next one.
 */
export function useDraftAutosave(db: GridPatrolDB, key: Ref<string | null>, state: Ref<VisitDraftState | null>): DraftStore {
  const saveError = ref<string | null>(null);
  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  let stopped = false;

  async function write(): Promise<void> {
    queued = false;
    const k = key.value;
    if (k === null || state.value === null) return;
    // A snapshot when the write starts: IndexedDB cannot clone Vue's proxies, and later edits queue their own write.
    const value = JSON.parse(JSON.stringify(state.value)) as VisitDraftState;
    try {
      await db.meta.put({ key: k, value });
      saveError.value = null;
    } catch (error) {
      saveError.value = userMessage(error, VISIT_TEXT.draftSaveFailed);
    }
  }

  function save(): void {
    if (stopped || queued) return;
    queued = true;
    chain = chain.then(write);
  }

  // Synchronous, so that a write is queued before `flush` or `stop` can be called; it runs a microtask later.
  watch(state, save, { deep: true, flush: 'sync' });

  return {
    saveError,
    flush: () => chain,
    async stop() {
      stopped = true;
      await chain;
    },
    resume() {
      stopped = false;
      save();
    },
  };
}
