/**
 * Every user action that changes data, as ONE read-write Dexie transaction that writes the domain
 * rows and appends the outbox entry (SPEC §8 "local first"). No network here, and no non-Dexie
 * awaits inside a transaction (they would commit it early): hashes are computed before it opens.
 *
 * A QuotaExceededError surfaces as `StorageFullError`; the transaction rolled back as a whole, so
 * nothing partial is left and the caller still holds its draft.
 */
import type { Table } from 'dexie';
import type { Case, LedgerEvent, Place, Region, Subject, Visit } from '../../domain/entities';
import type { CaseStatus, EntityName } from '../../domain/enums';
import { newCase, transitionCase as transitionCaseRule, type NewCaseInput } from '../../domain/cases';
import { sha256Hex, visitHash } from '../../domain/canonical';
import { uuidv7 } from '../../domain/ids';
import { CASE_OPENING_OUTCOMES, findingsFromAnswers, visitCaseCategories, visitEvidence } from '../../domain/rules';
import { changeListing as changeListingRule, entryListing, type ListingChange } from '../../domain/subjects';
import { taskMove } from '../../domain/tasks';
import type { MutationArgs, MutationName } from '../../domain/sync';
import { rowKey, type BlobRow, type GridPatrolDB } from './database';
import { IllegalTransitionError, isQuotaExceeded, NotFoundError, StorageFullError } from './errors';

export interface RepoOptions {
  now?: () => Date;
  /**
   * A visit's form draft (its meta key), deleted in the same transaction as the visit is saved: a
   * reload, a crash or a dead battery between the two would leave a draft of a visit already saved,
   * which could never be finished again.
   */
  endDraft?: string;
}


const nowIso = (opts: RepoOptions | undefined) => (opts?.now?.() ?? new Date()).toISOString();

/** Runs `fn` in one rw transaction over `tables`, translating a full disk into `StorageFullError`. */
async function write<T>(db: GridPatrolDB, tables: Table[], fn: () => Promise<T>): Promise<T> {
  try {
    // Every action may record the base of a row it touches first (see `appendOutbox`).
    return await db.transaction('rw', [...tables, db.shadows], fn);
  } catch (error) {
    if (isQuotaExceeded(error)) throw new StorageFullError(error);
    throw error;
  }
}

interface Touch {
  entity: EntityName;
  id: string;
  /** The row as it was before this action; `null` for a row the action creates. */
  before: object | null;
}

/**
 * Keeps the server's version of a row the device is about to change for the first time (no pending
 * work on it yet, no shadow): if the server rejects the change, the row returns to it instead of
 * keeping a value the server never accepted (the pull will not send an unchanged row again).
 */
async function keepBase(db: GridPatrolDB, t: Touch): Promise<void> {
  const key = rowKey(t.entity, t.id);
  if (await db.shadows.get(key)) return;
  if ((await db.outbox.where('keys').equals(key).count()) > 0) return;
  const change = t.before
    ? { entity: t.entity, op: 'put' as const, id: t.id, data: { ...t.before } as Record<string, unknown> }
    : { entity: t.entity, op: 'del' as const, id: t.id };
  await db.shadows.put({ key, change, base: true });
}

/** Appends one mutation; call inside the action's transaction. Returns its seq. */
async function appendOutbox<N extends MutationName>(
  db: GridPatrolDB,
  name: N,
  args: MutationArgs<N>,
  at: string,
  touched: Touch[],
  blobRefs: string[] = [],
): Promise<number> {
  for (const t of touched) await keepBase(db, t);
  return db.outbox.add({
    name,
    args,
    at,
    keys: touched.map((t) => rowKey(t.entity, t.id)),
    blobRefs: [...new Set(blobRefs)],
    acked: 0,
  });
}

// ---- visits --------------------------------------------------------------------------------------

/** A finished visit before the chain: everything but `hash` and `prevHash`. */
export type VisitDraft = Omit<Visit, 'hash' | 'prevHash'>;

export interface SubmitVisitResult {
  visit: Visit;
  case: Case | null;
  seq: number;
}

const REFUSED_SUMMARY = (placeName: string) => `${placeName}：检查人员被拒绝入内，需核查`;

/** The township above a grid, from the regions on the device. */
export async function townshipOf(db: GridPatrolDB, gridId: string): Promise<string | undefined> {
  let id: string | null = gridId;
  for (let depth = 0; id !== null && depth < 8; depth++) {
    const region: Region | undefined = await db.regions.get(id);
    if (!region) return undefined;
    if (region.level === 'township') return region.id;
    id = region.parentId;
  }
  return undefined;
}

/** Where a case about a place is: the place's grid and township, its address and position. */
export type CaseSite = Required<Pick<NewCaseInput, 'gridId' | 'townshipId' | 'placeId' | 'address' | 'lat' | 'lng'>>;

/**
 * A place and the site of a case about it. The township comes from the regions on the device, or
 * `fallbackTownshipId` when they have not arrived yet; a missing place or township throws
 * `NotFoundError`.
 */
export async function caseSiteOf(
  db: GridPatrolDB,
  placeId: string,
  fallbackTownshipId?: string | null,
): Promise<{ place: Place; site: CaseSite }> {
  const place = await db.places.get(placeId);
  if (!place) throw new NotFoundError('place', placeId);
  const townshipId = (await townshipOf(db, place.gridId)) ?? fallbackTownshipId;
  if (!townshipId) throw new NotFoundError('region', place.gridId);
  return {
    place,
    site: { gridId: place.gridId, townshipId, placeId: place.id, address: place.address, lat: place.lat, lng: place.lng },
  };
}

class ChainMoved extends Error {}
const CHAIN_ATTEMPTS = 30;

async function saveVisit(
  db: GridPatrolDB,
  draft: VisitDraft,
  name: 'visit.submit@1' | 'visit.amend@1',
  opts?: RepoOptions,
): Promise<SubmitVisitResult> {
  for (let attempt = 0; attempt < CHAIN_ATTEMPTS; attempt++) {
    // Another tab extended the chain between our read and our write: wait a little (jittered, so two
    // tabs saving in a loop do not keep colliding) and build the visit on the new head.
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    // Step 1: read what the hash and the case depend on.
    const prevHash = (await db.getMeta('prevHash')) ?? null;
    const template = await db.templates.get(draft.templateId);
    const findings = draft.findings.length === 0 && template ? findingsFromAnswers(template, draft.answers) : draft.findings;
    const unhashed: Omit<Visit, 'hash'> = { ...draft, findings, prevHash };
    let caseRow: Case | null = null;
    if (name === 'visit.submit@1' && CASE_OPENING_OUTCOMES.includes(draft.outcome)) {
      const { place, site } = await caseSiteOf(db, draft.placeId);
      const input: NewCaseInput = {
        // A building manager's self-check reports on their own premises, not a patrol.
        source: draft.selfCheck ? 'building_manager' : 'patrol',
        ...site,
        subjectIds: draft.subjectIds,
        categories: visitCaseCategories(template, { answers: draft.answers, findings, outcome: draft.outcome }),
        summary:
          draft.outcome === 'entry_refused' || findings.length === 0
            ? REFUSED_SUMMARY(place.name)
            : `${place.name}：${findings.map((f) => f.description).join('；')}`.slice(0, 4000),
        reportedAt: draft.endedAt,
        by: draft.inspectorIds[0]!,
        visitId: draft.id,
        evidence: findings.flatMap((f) => f.evidence),
      };
      caseRow = newCase(input);
    }
    // Step 2: the hash, outside any transaction (WebCrypto is not a Dexie promise).
    const visit: Visit = { ...unhashed, hash: await visitHash(unhashed) };
    const at = nowIso(opts);
    // Step 3: one transaction, provided nobody extended the chain meanwhile.
    try {
      return await write(db, [db.visits, db.cases, db.meta, db.outbox], async () => {
        if (((await db.getMeta('prevHash')) ?? null) !== prevHash) throw new ChainMoved();
        await db.visits.add(visit);
        if (opts?.endDraft) await db.meta.delete(opts.endDraft);
        await db.setMeta('prevHash', visit.hash);
        const args = { visit } as MutationArgs<typeof name>;
        const seq = await appendOutbox(db, name, args, at, [{ entity: 'visit', id: visit.id, before: null }], visitEvidence(visit));
        if (caseRow) {
          await db.cases.add(caseRow);
          const { version: _v, ...rest } = caseRow;
          await appendOutbox(db, 'case.open@1', { case: rest }, at, [{ entity: 'case', id: caseRow.id, before: null }], rest.events.flatMap((e) => e.evidence));
        }
        return { visit, case: caseRow, seq };
      });
    } catch (error) {
      if (error instanceof ChainMoved) continue;
      throw error;
    }
  }
  throw new Error('visit chain kept moving; retry the save');
}

/** Submits a finished visit, chained to this device's previous one; a finding opens a case. */
export function submitVisit(db: GridPatrolDB, draft: VisitDraft, opts?: RepoOptions): Promise<SubmitVisitResult> {
  return saveVisit(db, draft, 'visit.submit@1', opts);
}

/** A correction: a new visit with `amendsVisitId`, the original stays untouched. */
export function amendVisit(
  db: GridPatrolDB,
  draft: VisitDraft & { amendsVisitId: string },
  opts?: RepoOptions,
): Promise<SubmitVisitResult> {
  return saveVisit(db, draft, 'visit.amend@1', opts);
}

// ---- tasks ---------------------------------------------------------------------------------------

/**
 * Starts a task by the domain's state machine: a refusal (not an assignee, cancelled, …) throws
 * `IllegalTransitionError` with the domain's reason; `null` when it was already started or finished.
 * Neither writes anything.
 */
export async function startTask(db: GridPatrolDB, taskId: string, opts?: RepoOptions): Promise<number | null> {
  const at = nowIso(opts);
  return write(db, [db.tasks, db.outbox], async () => {
    const task = await db.tasks.get(taskId);
    if (!task) throw new NotFoundError('task', taskId);
    const move = taskMove(task, 'in_progress', db.userId);
    if (!move.ok) throw new IllegalTransitionError(move.message);
    if (move.duplicate) return null;
    await db.tasks.put({ ...task, status: 'in_progress' });
    return appendOutbox(db, 'task.start@1', { taskId, at }, at, [{ entity: 'task', id: taskId, before: task }]);
  });
}

/**
 * Completes a task, refused like `startTask`; `null` when it was already done (nothing is written).
 * `note`: why places of the route stayed unvisited, when they did.
 */
export async function completeTask(
  db: GridPatrolDB,
  taskId: string,
  visitIds: string[],
  opts?: RepoOptions & { note?: string },
): Promise<number | null> {
  const at = nowIso(opts);
  const note = opts?.note?.trim() || undefined;
  return write(db, [db.tasks, db.outbox], async () => {
    const task = await db.tasks.get(taskId);
    if (!task) throw new NotFoundError('task', taskId);
    const move = taskMove(task, 'done', db.userId);
    if (!move.ok) throw new IllegalTransitionError(move.message);
    if (move.duplicate) return null;
    await db.tasks.put({ ...task, status: 'done', ...(note ? { completionNote: note } : {}) });
    const args = note ? { taskId, at, visitIds, note } : { taskId, at, visitIds };
    return appendOutbox(db, 'task.complete@1', args, at, [{ entity: 'task', id: taskId, before: task }]);
  });
}

// ---- subjects (the ledger) -----------------------------------------------------------------------

export type SubjectDraft = Omit<Subject, 'id' | 'version' | 'status' | 'listedAt' | 'delistedAt' | 'delistedReason'> & {
  id?: string;
};

export type SubjectPatch = MutationArgs<'subject.update@1'>['patch'];

function diffOf(before: Record<string, unknown>, patch: Record<string, unknown>): LedgerEvent['diff'] {
  const diff: LedgerEvent['diff'] = {};
  for (const [k, to] of Object.entries(patch)) {
    if (to === undefined) continue;
    const from = before[k] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) diff[k] = { from, to };
  }
  return diff;
}

/** 入账: a new key subject with its 'list' ledger event. */
export async function createSubject(db: GridPatrolDB, draft: SubjectDraft, opts?: RepoOptions): Promise<Subject> {
  const at = nowIso(opts);
  const subject: Subject = {
    ...draft,
    id: draft.id ?? uuidv7(),
    ...entryListing(at, draft.listedReason),
    version: 0,
  };
  const event: LedgerEvent = { id: uuidv7(), subjectId: subject.id, action: 'list', at, by: db.userId, reason: draft.listedReason, diff: {} };
  return write(db, [db.subjects, db.ledgerEvents, db.outbox], async () => {
    await db.subjects.add(subject);
    await db.ledgerEvents.add(event);
    const { version: _v, ...rest } = subject;
    await appendOutbox(db, 'subject.create@1', { subject: rest, eventId: event.id }, at, [
      { entity: 'subject', id: subject.id, before: null },
      { entity: 'ledgerEvent', id: event.id, before: null },
    ]);
    return subject;
  });
}

/** A field patch against the version on the device; the server merges per field (SPEC §8). */
export async function updateSubject(
  db: GridPatrolDB,
  id: string,
  patch: SubjectPatch,
  reason: string,
  opts?: RepoOptions,
): Promise<Subject> {
  const at = nowIso(opts);
  const eventId = uuidv7();
  return write(db, [db.subjects, db.ledgerEvents, db.outbox], async () => {
    const before = await db.subjects.get(id);
    if (!before) throw new NotFoundError('subject', id);
    const after: Subject = { ...before, ...patch };
    await db.subjects.put(after);
    await db.ledgerEvents.add({ id: eventId, subjectId: id, action: 'update', at, by: db.userId, reason, diff: diffOf(before, patch) });
    await appendOutbox(db, 'subject.update@1', { id, baseVersion: before.version, patch, reason, eventId, at }, at, [
      { entity: 'subject', id, before },
      { entity: 'ledgerEvent', id: eventId, before: null },
    ]);
    return after;
  });
}

/** 出账 or 重新入账 by the domain's rule: a refusal throws `IllegalTransitionError` and writes nothing. */
async function changeListing(
  db: GridPatrolDB,
  id: string,
  reason: string,
  action: ListingChange,
  opts?: RepoOptions,
): Promise<Subject> {
  const at = nowIso(opts);
  const eventId = uuidv7();
  return write(db, [db.subjects, db.ledgerEvents, db.outbox], async () => {
    const before = await db.subjects.get(id);
    if (!before) throw new NotFoundError('subject', id);
    const change = changeListingRule(before, { action, reason, at, by: db.userId, eventId });
    if (!change.ok) throw new IllegalTransitionError(change.message);
    const after: Subject = { ...before, ...change.listing };
    await db.subjects.put(after);
    await db.ledgerEvents.add(change.event);
    const name = action === 'delist' ? 'subject.delist@1' : 'subject.relist@1';
    await appendOutbox(db, name, { id, reason, eventId, at }, at, [
      { entity: 'subject', id, before },
      { entity: 'ledgerEvent', id: eventId, before: null },
    ]);
    return after;
  });
}

/** 出账 with a reason. */
export function delistSubject(db: GridPatrolDB, id: string, reason: string, opts?: RepoOptions): Promise<Subject> {
  return changeListing(db, id, reason, 'delist', opts);
}

/** 重新入账 with a reason. */
export function relistSubject(db: GridPatrolDB, id: string, reason: string, opts?: RepoOptions): Promise<Subject> {
  return changeListing(db, id, reason, 'relist', opts);
}

// ---- places --------------------------------------------------------------------------------------

export type PlacePatch = MutationArgs<'place.update@1'>['patch'];

export async function updatePlace(db: GridPatrolDB, id: string, patch: PlacePatch, opts?: RepoOptions): Promise<Place> {
  const at = nowIso(opts);
  return write(db, [db.places, db.outbox], async () => {
    const before = await db.places.get(id);
    if (!before) throw new NotFoundError('place', id);
    const after: Place = { ...before, ...patch };
    await db.places.put(after);
    await appendOutbox(db, 'place.update@1', { id, baseVersion: before.version, patch }, at, [{ entity: 'place', id, before }]);
    return after;
  });
}

// ---- cases ---------------------------------------------------------------------------------------

/** A case reported from the device (building manager's suspicion, a patrol clue without a visit). */
export async function openCase(db: GridPatrolDB, input: Omit<NewCaseInput, 'by'>, opts?: RepoOptions): Promise<Case> {
  const at = nowIso(opts);
  const row = newCase({ ...input, by: db.userId });
  return write(db, [db.cases, db.outbox], async () => {
    await db.cases.add(row);
    const { version: _v, ...rest } = row;
    await appendOutbox(db, 'case.open@1', { case: rest }, at, [{ entity: 'case', id: row.id, before: null }], rest.events.flatMap((e) => e.evidence));
    return row;
  });
}

export interface CaseTransitionInput {
  to: CaseStatus;
  note?: string | null;
  evidence?: string[];
}

/** A step of the case state machine (SPEC §7); an illegal step throws `IllegalTransitionError`. */
export async function transitionCase(
  db: GridPatrolDB,
  caseId: string,
  input: CaseTransitionInput,
  opts?: RepoOptions,
): Promise<Case> {
  const at = nowIso(opts);
  const eventId = uuidv7();
  const evidence = [...(input.evidence ?? [])];
  return write(db, [db.cases, db.outbox], async () => {
    const before = await db.cases.get(caseId);
    if (!before) throw new NotFoundError('case', caseId);
    const result = transitionCaseRule(before, { id: eventId, to: input.to, by: db.userId, at, note: input.note ?? null, evidence });
    if (!result.ok) throw new IllegalTransitionError(result.message);
    const after = result.case;
    await db.cases.put(after);
    await appendOutbox(
      db,
      'case.transition@1',
      { caseId, eventId, to: input.to, at, note: input.note ?? null, evidence },
      at,
      [{ entity: 'case', id: caseId, before }],
      evidence,
    );
    return after;
  });
}

// ---- blobs ---------------------------------------------------------------------------------------

/** Stores a photo or file under the SHA-256 of its bytes; storing the same bytes again is a no-op. */
export async function putBlob(
  db: GridPatrolDB,
  bytes: Blob | ArrayBuffer | Uint8Array,
  contentType: string,
  opts?: RepoOptions,
): Promise<BlobRow> {
  const data =
    bytes instanceof ArrayBuffer
      ? bytes
      : bytes instanceof Uint8Array
        ? bytes.slice().buffer
        : await bytes.arrayBuffer();
  const sha256 = await sha256Hex(data);
  const row: BlobRow = { sha256, data, contentType, size: data.byteLength, uploaded: 0, createdAt: nowIso(opts) };
  return write(db, [db.blobs], async () => {
    const existing = await db.blobs.get(sha256);
    if (existing) return existing;
    await db.blobs.add(row);
    return row;
  });
}
