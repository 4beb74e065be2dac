/**
 * POST /api/sync/push (SPEC §8): one batch transaction holding the client's row locked.
 *
 * Every mutation is isolated. A handler that writes directly runs inside its own savepoint, released
 * on success and rolled back on a permanent failure. Append-only inserts (`deferrable` handlers:
 * visits) only read and buffer rows, so a rejection has nothing to roll back; their rows go to the
 * database in batched INSERTs (visits: one jsonb parameter per statement, see visit-insert.ts) under
 * a segment savepoint. They are sent PIPELINE_ROWS at a time, without waiting: the later mutations are
 * decided while the database writes the earlier ones (on PostgreSQL, in its own process), and the
 * segment ends only once every chunk is known written. If such a flush fails unexpectedly, the
 * segment is rolled back and its mutations replayed one per savepoint, which decides each one exactly
 * as the slow path would — the fast path never changes an outcome; the rest of the batch goes on
 * fast.
 *
 * `seq ≤ last` is a duplicate; a gap stops the batch (409 when nothing was processed before it);
 * a permanent failure is recorded as rejected and advances; a transient failure stops the batch there:
 * what was processed before it commits, nothing after it does (503 when nothing was processed).
 *
 * What a batch decided is recorded in its transaction (see `record`): one `sync_batch` row for the
 * seq range, one `mutation_result` row per rejected mutation, one audit row listing the applied ones.
 */
import { sql, type Kysely } from 'kysely';
import type { Mutation, PushRequest, PushResponse, PushResult } from '../../domain/sync';
import type { BlobStore } from '../blobs/store';
import type { Database } from '../db/schema';
import { AppError } from '../errors';
import { auditRow, SYNC_PUSH_ACTION, type AuditedMutation, type SyncPushAudit } from '../audit/log';
import type { Viewer } from '../scope/viewer';
import { Loaders, readSources, type ReadSources } from './loaders';
import { MUTATIONS } from './mutations';
import {
  Rejection,
  TransientFailure,
  type DeferredRow,
  type DeferredTable,
  type MutationContext,
  type MutationOutcome,
  type MutationRegistry,
  type MutationSpec,
  type PrefetchKeys,
} from './registry';
import type { PreworkJob } from './prework';
import { storableJson } from './storable';
import { insertVisits, type VisitInsert } from './visit-insert';

const INSERT_CHUNK = 500;

/**
 * The fast path sends its rows to the database this many at a time (see `send` in pushInTransaction).
 * Measured on 2026-12-07 (10,000 visits in pushes of 500, with and without chunks, alternating in one
 * process): on PostgreSQL a push 10–15 % faster than with one INSERT at the end; on PGlite, which runs
 * in this thread and so cannot write while JavaScript decides, the same within the noise.
 */
const PIPELINE_ROWS = 100;

/** A row a handler deferred, waiting for the multi-row INSERT. */
export interface Buffered {
  table: DeferredTable;
  row: DeferredRow<DeferredTable>;
}

export interface Prepared {
  m: Mutation;
  /** Its place in the push, in seq order: where a worker's prework for it is found (prework.ts). */
  index: number;
  spec?: MutationSpec<unknown, unknown>;
  args?: unknown;
  rejection?: Rejection;
  /**
   * `args` as sent, not checked here yet: a mutation with prework in a push whose prework a worker
   * does from the same body. Its handler (see `handle`) takes the worker's check when the worker's
   * work fits, and checks the arguments itself otherwise.
   */
  unchecked?: boolean;
}

export interface Recorded {
  m: Mutation;
  status: 'applied' | 'duplicate' | 'rejected';
  code?: string;
  reason?: string;
  outcome?: MutationOutcome;
  /** A seq an earlier push decided, answered again (its rejection repeated): not this push's to record. */
  resent?: boolean;
}

/** The record of a mutation rejected for good: it still advances the client. */
function rejected(m: Mutation, r: Rejection): Recorded {
  return { m, status: 'rejected', code: r.code, reason: r.reason };
}

/**
 * The next mutation against the client's last seq: a resent one is a duplicate — or, when an earlier
 * push rejected it (`earlier`), that rejection again: a device whose answer was lost must still learn
 * it, or it would take the duplicate for success and keep a change the server refused. One past the
 * next seq is the gap, one that failed to parse (or names no mutation) is rejected before it runs;
 * otherwise it runs.
 */
export function triage(p: Prepared, last: number, earlier: ReadonlyMap<number, Rejection> = NONE_EARLIER): Recorded | 'gap' | 'run' {
  if (p.m.seq <= last) {
    const before = earlier.get(p.m.seq);
    return before ? { ...rejected(p.m, before), resent: true } : { m: p.m, status: 'duplicate' };
  }
  if (p.m.seq > last + 1) return 'gap';
  return p.rejection ? rejected(p.m, p.rejection) : 'run';
}

/** Whether a triaged mutation moves the client on: one rejected now (not a duplicate, not a resend). */
export function advances(r: Recorded): boolean {
  return r.status === 'rejected' && !r.resent;
}

const NONE_EARLIER: ReadonlyMap<number, Rejection> = new Map();

/**
 * The rejections earlier pushes recorded for the seqs of this push that the client already passed
 * (`mutation_result` keeps every rejected mutation); none are looked up when nothing was resent.
 */
async function earlierRejections(trx: Kysely<Database>, clientId: string, prepared: readonly Prepared[], startLast: number): Promise<ReadonlyMap<number, Rejection>> {
  const seqs = prepared.filter((p) => p.m.seq <= startLast).map((p) => p.m.seq);
  if (seqs.length === 0) return NONE_EARLIER;
  const rows = await trx
    .selectFrom('mutation_result')
    .select(['seq', 'code', 'reason'])
    .where('client_id', '=', clientId)
    .where('status', '=', 'rejected')
    .where(sql<boolean>`seq = ANY(${sql.val(seqs)}::bigint[])`)
    .execute();
  return new Map(rows.map((r) => [Number(r.seq), new Rejection(r.code ?? 'rejected', r.reason ?? '')]));
}

/**
 * Runs an append-only (`deferrable`) mutation, which only reads and buffers rows: its record
 * (applied, duplicate or rejected) with the rows it buffered, or the transient failure that stops the
 * push there. Any other error (a failed read) is thrown.
 */
export async function runDeferred(trx: Kysely<Database>, item: PushItem, load: Loaders, p: Prepared): Promise<{ record: Recorded; rows: Buffered[] } | TransientFailure> {
  const rows: Buffered[] = [];
  try {
    const outcome = await handle(trx, item, load, p, rows);
    return { record: { m: p.m, status: outcome.status ?? 'applied', outcome }, rows };
  } catch (err) {
    if (err instanceof Rejection) return { record: rejected(p.m, err), rows: [] };
    if (err instanceof TransientFailure) return err;
    throw err;
  }
}

/**
 * The error a push answers when it processed nothing but duplicates: the gap (409, with the seq to
 * resume from) or the transient failure that stopped it (503). Null when it has a response.
 */
export function unprocessed(clientId: string, records: readonly Recorded[], last: number, gap: boolean, stopped: TransientFailure | null): AppError | null {
  if (records.some((r) => r.status !== 'duplicate')) return null;
  if (gap) return new AppError('mutation_gap', { expected: last + 1 }, `client ${clientId} expected seq ${last + 1}`);
  if (stopped) return new AppError('unavailable', { code: stopped.code }, `push stopped: ${stopped.message}`);
  return null;
}

/** PostgreSQL data exceptions (22) and integrity violations (23) are the request's fault: permanent. */
function isPermanentDbError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/**
 * A mutation with its spec and checked arguments, or its rejection. With `unchecked`, a mutation
 * with prework keeps its arguments as sent for its handler to settle (see `Prepared.unchecked`).
 */
export function prepare(m: Mutation, index: number, registry: MutationRegistry, unchecked = false): Prepared {
  const spec = registry.get(m.name);
  if (!spec) return { m, index, rejection: new Rejection('unknown_mutation', `服务器不支持此操作（${m.name}），请更新应用`) };
  if (unchecked && spec.prework) return { m, index, spec, args: m.args, unchecked: true };
  return { m, index, spec, ...checkArgs(spec, m.args) };
}

/** The arguments as the spec's schema parses them, or the rejection that names what is wrong. */
function checkArgs(spec: MutationSpec<unknown, unknown>, args: unknown): { args: unknown } | { rejection: Rejection } {
  const parsed = spec.args.safeParse(args);
  if (parsed.success) return { args: parsed.data };
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '参数'}：${i.message}`);
  return { rejection: new Rejection('invalid_args', `提交的数据不符合要求（${issues.join('；')}）`) };
}

/** A push as the server received it: who sent it, what, and when it arrived. */
export interface PushItem {
  viewer: Viewer;
  req: PushRequest;
  receivedAt: Date;
  /** Its mutations' prework, being done in a worker thread from the same body (prework.ts). */
  prework?: PreworkJob | undefined;
}

interface ClientRow {
  user_id: string;
  device_id: string;
  last_mutation_id: number;
}

/**
 * Locks the rows of the pushing clients, in client-id order (two transactions locking overlapping
 * sets never wait on each other in a cycle), in one statement. A client the server has never seen
 * gets its row first: its FIRST push may start at any seq, so the row starts just below it. A
 * device whose client id the server lost (a restore) rotates to a new id and keeps numbering its
 * outbox where it was; its pending work is then accepted, not a gap.
 */
export async function lockClients(trx: Kysely<Database>, items: readonly PushItem[]): Promise<Map<string, ClientRow>> {
  const ids = [...new Set(items.map((i) => i.req.clientId))];
  const select = (which: string[]) =>
    trx
      .selectFrom('sync_client')
      .select(['client_id', 'user_id', 'device_id', 'last_mutation_id'])
      .where(sql<boolean>`client_id = ANY(${sql.val(which)}::uuid[])`)
      .orderBy('client_id')
      .forUpdate()
      .execute();
  const rows = new Map<string, ClientRow>();
  const remember = (found: Awaited<ReturnType<typeof select>>) => {
    for (const r of found) rows.set(r.client_id, { user_id: r.user_id, device_id: r.device_id, last_mutation_id: Number(r.last_mutation_id) });
  };
  remember(await select(ids));
  // In client-id order too: two groups inserting overlapping new clients never wait on each other in a cycle.
  const unknown = ids.filter((id) => !rows.has(id)).sort();
  if (unknown.length > 0) {
    const first = new Map<string, PushItem>();
    for (const i of items) if (!first.has(i.req.clientId)) first.set(i.req.clientId, i);
    // The rows this statement inserts are this transaction's (locked until it ends); a client another
    // transaction inserted meanwhile is not returned, and is read and locked as the others were.
    remember(
      await trx
        .insertInto('sync_client')
        .values(
          unknown.map((id) => {
            const { viewer, req } = first.get(id)!;
            const firstSeq = Math.min(...req.mutations.map((m) => m.seq));
            return { client_id: id, user_id: viewer.user.id, device_id: viewer.deviceId, last_mutation_id: Math.max(0, firstSeq - 1) };
          }),
        )
        .onConflict((oc) => oc.column('client_id').doNothing())
        .returning(['client_id', 'user_id', 'device_id', 'last_mutation_id'])
        .execute(),
    );
    const raced = unknown.filter((id) => !rows.has(id));
    if (raced.length > 0) remember(await select(raced));
  }
  for (const id of ids) if (!rows.has(id)) throw new Error(`sync client ${id} vanished`);
  return rows;
}

/** A client id belongs to one user on one device: another session may not push in its name. */
export function checkClientOwner(row: ClientRow, { viewer, req }: PushItem): void {
  if (row.user_id !== viewer.user.id || row.device_id !== viewer.deviceId) {
    throw new AppError('forbidden', undefined, `client ${req.clientId} belongs to another user or device`);
  }
}

export interface PushOptions {
  registry?: MutationRegistry;
  now?: () => Date;
  /** Where blob bytes live (see Loaders): without it, a blob's row alone counts. */
  blobs?: Pick<BlobStore, 'has'>;
  /** The prework of `req`'s mutations, started from the body `req` was parsed from (prework.ts). */
  prework?: PreworkJob | undefined;
}

export async function push(db: Kysely<Database>, viewer: Viewer, req: PushRequest, opts: PushOptions = {}): Promise<PushResponse> {
  const item: PushItem = { viewer, req, receivedAt: opts.now?.() ?? new Date(), prework: opts.prework };
  return db.transaction().execute((trx) => pushInTransaction(trx, item, opts.registry ?? MUTATIONS, readSources(db, opts.blobs)));
}

/**
 * The mutations of a push in seq order, each with its spec and parsed arguments or its rejection;
 * those with prework left unchecked when a worker is doing it (`Prepared.unchecked`).
 */
export function prepareAll({ req, prework }: PushItem, registry: MutationRegistry): Prepared[] {
  return inSeqOrder(req).map((m, i) => prepare(m, i, registry, prework !== undefined));
}

/** The mutations of a push in seq order: the order `Prepared.index` counts in. */
export function inSeqOrder(req: PushRequest): Mutation[] {
  return [...req.mutations].sort((a, b) => a.seq - b.seq);
}

/**
 * Runs a prepared mutation's handler, with its prework: the worker's when it came and fits these
 * arguments, else done here (the same function, so the same work). Arguments left unchecked are
 * settled first: the worker checked them when its work fits (the same schema on the same text),
 * and they are checked here otherwise — an invalid one is rejected as `prepare` would have.
 */
async function handle(trx: Kysely<Database>, item: PushItem, load: Loaders, p: Prepared, sink: Buffered[]): Promise<MutationOutcome> {
  const spec = p.spec!;
  let work: unknown;
  if (spec.prework) {
    const given = item.prework ? await item.prework.at(p.index) : undefined;
    if (given !== undefined && spec.prework.fits(given, p.args)) work = given;
    else {
      if (p.unchecked) {
        Object.assign(p, checkArgs(spec, p.args), { unchecked: false });
        if (p.rejection) throw p.rejection;
      }
      work = spec.prework.run(p.args);
    }
  }
  return spec.handle(contextFor(trx, item, load, p.m, sink), p.args, work);
}

/** The context a handler runs with; its deferred rows go to `sink`. */
function contextFor(trx: Kysely<Database>, item: PushItem, load: Loaders, m: Mutation, sink: Buffered[]): MutationContext {
  const { viewer, req, receivedAt } = item;
  return {
    trx,
    viewer,
    clientId: req.clientId,
    seq: m.seq,
    at: m.at,
    receivedAt,
    clockOffsetMs: req.sentAt ? receivedAt.getTime() - Date.parse(req.sentAt) : null,
    load,
    defer: (table, row) => sink.push({ table, row }),
  };
}

/** One push inside a transaction of the caller's: its own (`push`) or a group's (push-group.ts). */
export async function pushInTransaction(trx: Kysely<Database>, item: PushItem, registry: MutationRegistry, sources: ReadSources): Promise<PushResponse> {
  const { req } = item;
  const prepared = prepareAll(item, registry);
  const client = (await lockClients(trx, [item])).get(req.clientId)!;
  checkClientOwner(client, item);
  const startLast = client.last_mutation_id;
  const earlier = await earlierRejections(trx, req.clientId, prepared, startLast);
  const load = new Loaders(trx, sources);
  await load.prefetch(mergeKeys(prepared, startLast));

  let last = startLast;
  const records: Recorded[] = [];
  let buffer: Buffered[] = [];
  /** Mutations before this index run the slow path: the replay of a segment whose flush failed. */
  let slowUntil = 0;
  let gap = false;
  let stopped: TransientFailure | null = null;
  let segment = { index: 0, records: 0, last };

  const { savepoint, release, rollbackTo } = savepoints(trx);

  /** Ends the segment (its rows stay) and starts the next at mutation `at`. */
  const startSegment = async (at: number) => {
    await release('seg');
    await savepoint('seg');
    segment = { index: at, records: records.length, last };
  };

  /** The segment's chunks sent to the database, each settling to whether it was written. */
  let sent: Promise<boolean>[] = [];

  /** Sends the buffered rows; the mutations after them are decided while the database writes them. */
  const send = () => {
    const rows = buffer;
    buffer = [];
    sent.push(flushRows(trx, rows).then(
      () => true,
      () => false,
    ));
  };

  /** Waits for the chunks sent: whether all of them were written. */
  const written = async (): Promise<boolean> => {
    const all = await Promise.all(sent);
    sent = [];
    return all.every(Boolean);
  };

  /**
   * Writes the buffered rows and (unless `reopen` is false) starts a new segment at mutation `at`;
   * false when the segment had to be rolled back for a slow replay.
   */
  const flushSegment = async (at: number, { reopen = true } = {}): Promise<boolean> => {
    if (buffer.length > 0) send();
    if (sent.length === 0) return true;
    if (!(await written())) {
      await rollbackTo('seg');
      return false;
    }
    if (reopen) await startSegment(at);
    return true;
  };

  /**
   * Rolls the segment's outcomes back and replays its mutations up to (not including) `end` one
   * per savepoint, reading afresh (what made the flush fail is there now); the fast path resumes
   * after them. Returns where the replay starts.
   */
  const replaySegmentSlowly = (end: number) => {
    buffer = [];
    records.length = segment.records;
    last = segment.last;
    load.clear();
    slowUntil = end;
    return segment.index;
  };

  await savepoint('seg');
  let i = 0;
  for (;;) {
    while (i < prepared.length) {
      if (slowUntil > 0 && i >= slowUntil) {
        // The slow replay is over: a later failed flush rolls back only what follows it, and the
        // rest of the batch is read in bulk again.
        await startSegment(i);
        await load.prefetch(mergeKeys(prepared.slice(i), last));
        slowUntil = 0;
      }
      const p = prepared[i]!;
      const seq = p.m.seq;
      const next = triage(p, last, earlier);
      if (next === 'gap') {
        gap = true;
        break;
      }
      if (next !== 'run') {
        records.push(next);
        if (advances(next)) last = seq;
        i++;
        continue;
      }

      if (i >= slowUntil && p.spec!.deferrable) {
        // Fast path: reads and buffered rows only, no savepoint needed for a rejection. Rows wait for
        // no worker: the database writes them while this thread waits for the mutation's prework.
        if (buffer.length > 0 && item.prework?.ready(p.index) === false) send();
        let ran: Awaited<ReturnType<typeof runDeferred>>;
        try {
          ran = await runDeferred(trx, item, load, p);
        } catch {
          // A database error in a read leaves the transaction unusable: replay the segment slowly
          // (once the chunks in flight have settled: the rollback undoes them too).
          await written();
          await rollbackTo('seg');
          i = replaySegmentSlowly(i + 1);
          continue;
        }
        if (ran instanceof TransientFailure) {
          if (await flushSegment(i)) {
            stopped = ran;
            break;
          }
          i = replaySegmentSlowly(i + 1);
          continue;
        }
        buffer.push(...ran.rows);
        if (buffer.length >= PIPELINE_ROWS) send();
        records.push(ran.record);
        last = seq;
        i++;
        continue;
      }

      const pending: Buffered[] = [];
      if (!(await flushSegment(i))) {
        i = replaySegmentSlowly(i);
        continue;
      }
      await savepoint('m');
      try {
        const outcome = await handle(trx, item, load, p, pending);
        await flushRows(trx, pending);
        await release('m');
        records.push({ m: p.m, status: outcome.status ?? 'applied', outcome });
        last = seq;
        i++;
      } catch (err) {
        await rollbackTo('m');
        await release('m');
        load.clear();
        if (err instanceof Rejection || isPermanentDbError(err)) {
          const r = err instanceof Rejection ? err : new Rejection('constraint_violation', '数据与服务器上的记录冲突，无法保存');
          records.push(rejected(p.m, r));
          last = seq;
          i++;
        } else {
          stopped = err instanceof TransientFailure ? err : new TransientFailure('database_error', String(err));
          break;
        }
      }
    }
    // The end of the batch (or of what could run): write what is buffered; if that fails, the
    // segment is replayed one mutation per savepoint. The last segment's savepoint stays open:
    // COMMIT ends it with the transaction, and nothing after this point rolls back to it.
    if (await flushSegment(i, { reopen: false })) break;
    i = replaySegmentSlowly(i);
    gap = false;
    stopped = null;
  }

  const error = unprocessed(req.clientId, records, last, gap, stopped);
  if (error) throw error;
  if (last > startLast) await recordBatches(trx, [{ item, first: startLast + 1, last, records }]);
  return responseOf(last, records);
}

export function responseOf(last: number, records: readonly Recorded[]): PushResponse {
  const results: PushResult[] = records.map((r) => ({
    seq: r.m.seq,
    status: r.status,
    ...(r.code ? { code: r.code } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  }));
  return { lastMutationId: last, results };
}

/** SAVEPOINT, RELEASE and ROLLBACK TO of `trx`. */
export function savepoints(trx: Kysely<Database>) {
  return {
    savepoint: (name: string) => sql.raw(`SAVEPOINT ${name}`).execute(trx),
    release: (name: string) => sql.raw(`RELEASE SAVEPOINT ${name}`).execute(trx),
    rollbackTo: (name: string) => sql.raw(`ROLLBACK TO SAVEPOINT ${name}`).execute(trx),
  };
}

/**
 * Writes buffered rows in multi-row INSERTs (visits: one jsonb parameter per chunk). Throws when a
 * visit was stored by another transaction since it was read, so that a slower path decides it.
 */
export async function flushRows(trx: Kysely<Database>, rows: readonly Buffered[]): Promise<void> {
  const byTable = new Map<DeferredTable, DeferredRow<DeferredTable>[]>();
  for (const r of rows) {
    const list = byTable.get(r.table);
    if (list) list.push(r.row);
    else byTable.set(r.table, [r.row]);
  }
  for (const [table, list] of byTable) {
    for (let i = 0; i < list.length; i += INSERT_CHUNK) {
      const chunk = list.slice(i, i + INSERT_CHUNK);
      if (table === 'visits') {
        const inserted = await insertVisits(trx, chunk as VisitInsert[]);
        if (inserted !== chunk.length) throw new Error('visit inserted concurrently');
      } else {
        await trx
          .insertInto('blob_refs')
          .values(chunk as never)
          .onConflict((oc) => oc.columns(['sha256', 'entity', 'row_id']).doNothing())
          .execute();
      }
    }
  }
}

export function mergeKeys(prepared: readonly Prepared[], last: number) {
  const keys = { places: [] as string[], visits: [] as string[], templates: [] as string[], tasks: [] as string[], blobs: [] as string[] };
  for (const p of prepared) {
    if (p.m.seq <= last || !p.spec?.prefetch || p.rejection) continue;
    const k = p.unchecked ? keysIfReadable(p.spec, p.args) : p.spec.prefetch(p.args);
    keys.places.push(...(k.places ?? []));
    keys.visits.push(...(k.visits ?? []));
    keys.templates.push(...(k.templates ?? []));
    keys.tasks.push(...(k.tasks ?? []));
    keys.blobs.push(...(k.blobs ?? []));
  }
  return keys;
}

/**
 * The keys `prefetch` finds in arguments not checked yet (`Prepared.unchecked`); none from arguments
 * it cannot read (their handler rejects them). The read ahead only saves reads, and Loaders asks only
 * for ids that can be keys.
 */
function keysIfReadable(spec: MutationSpec<unknown, unknown>, args: unknown): PrefetchKeys {
  try {
    return spec.prefetch?.(args) ?? {};
  } catch {
    return {};
  }
}

/** What one push decided, to be recorded: its client advances from `first - 1` to `last`. */
export interface DecidedBatch {
  item: PushItem;
  first: number;
  last: number;
  records: readonly Recorded[];
}

/**
 * Advances the clients and records their batches, in the batch transaction (so under its `_xid`),
 * in one statement however many pushes share the transaction (see push-group.ts):
 *
 * - ONE `sync_batch` row per push with the seq range decided (`first_seq`..`last_seq`) and the counts:
 *   the pull derives lastMutationId under its xid horizon from these rows (see pull.ts);
 * - a `mutation_result` row for each rejected mutation, with its arguments, code and reason: nothing a
 *   device sent is lost (applied and duplicate ones are covered by the batch row's range);
 * - ONE `audit_log` row per push with applied writes: who (user), which device, the client, and each
 *   applied mutation with its seq, name, device time and the row it wrote.
 */
export async function recordBatches(trx: Kysely<Database>, decided: readonly DecidedBatch[]): Promise<void> {
  if (decided.length === 0) return;
  const batches: { client_id: string; first_seq: number; last_seq: number; applied: number; duplicates: number; rejected: number }[] = [];
  const audits: ReturnType<typeof auditRow>[] = [];
  const rejected: { clientId: string; r: Recorded }[] = [];
  for (const { item, first, last, records } of decided) {
    const clientId = item.req.clientId;
    let applied = 0;
    let duplicates = 0;
    let rejections = 0;
    const audited: AuditedMutation[] = [];
    for (const r of records) {
      if (r.resent) continue;
      if (r.status === 'rejected') {
        rejections++;
        rejected.push({ clientId, r });
      } else if (r.status === 'duplicate') {
        // A handler's duplicate (the effect was already there) was decided in this batch; a resent seq was not.
        if (r.outcome) duplicates++;
      } else {
        applied++;
        audited.push({ seq: r.m.seq, name: r.m.name, at: r.m.at, entity: r.outcome?.entity ?? null, id: r.outcome?.entityId ?? null });
      }
    }
    batches.push({ client_id: clientId, first_seq: first, last_seq: last, applied, duplicates, rejected: rejections });
    if (audited.length > 0) {
      audits.push(
        auditRow({
          userId: item.viewer.user.id,
          deviceId: item.viewer.deviceId,
          action: SYNC_PUSH_ACTION,
          entity: 'sync_client',
          entityId: clientId,
          details: { clientId, firstSeq: first, lastSeq: last, mutations: audited } satisfies SyncPushAudit,
        }),
      );
    }
  }
  // The clients, their batch rows and audit rows in one statement: one round trip instead of three
  // per push. A group decides at most one push per client together (push-group.ts).
  const advance = trx.with('advanced', () =>
    sql`(UPDATE sync_client AS c SET last_mutation_id = v.last, updated_at = now()
        FROM unnest(${sql.val(batches.map((b) => b.client_id))}::uuid[], ${sql.val(batches.map((b) => b.last_seq))}::bigint[]) AS v(client_id, last)
        WHERE c.client_id = v.client_id)`,
  );
  if (audits.length > 0) {
    await advance.with('audited', (db) => db.insertInto('audit_log').values(audits)).insertInto('sync_batch').values(batches).execute();
  } else {
    await advance.insertInto('sync_batch').values(batches).execute();
  }
  for (let i = 0; i < rejected.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('mutation_result')
      .values(
        rejected.slice(i, i + INSERT_CHUNK).map(({ clientId, r }) => ({
          client_id: clientId,
          seq: r.m.seq,
          name: r.m.name,
          status: 'rejected',
          code: r.code ?? null,
          reason: r.reason ?? null,
          args: storableJson(r.m.args),
          at: r.m.at,
        })),
      )
      .execute();
  }
}
