/**
 * Group commit of pushes (SPEC §8, §12): pushes of different devices that arrive while the server is
 * busy share ONE transaction, so a crowd of small pushes costs a handful of statements instead of a
 * dozen each: one statement locks all their clients, one prefetch reads what all their mutations
 * need, one multi-row INSERT stores all their visits and one statement records all their batches.
 *
 * Nothing about an outcome changes: every push is decided as `push` (push.ts) would decide it alone,
 * in arrival order.
 * - A push whose work is all append-only (visits: `deferrable` handlers, which only read and buffer
 *   rows) is decided in memory with the others. If their shared INSERT fails (a visit stored by
 *   another transaction meanwhile), their writes are rolled back — to a savepoint, or the whole
 *   transaction when they were the whole group, which is then tried again — and every one of them
 *   runs on its own, as below.
 * - A push with a mutation that writes directly (a task start, a subject change), a push resending
 *   seqs already decided, or a second push of a client already in the group, runs on its own in the same transaction, inside a savepoint: its
 *   failure is its own and rolls back only its writes.
 * - A push the server answers with an error (a gap, a transient failure before anything was
 *   processed, a client id of another user) writes nothing and gets the error `push` would throw.
 * If the transaction itself fails (the database gone, the commit refused), nothing of it was written:
 * `pushGroup` throws, and the queue tries each push again on its own.
 *
 * `PushQueue` forms the groups: a push that arrives while fewer than `concurrency` groups run starts
 * at once (alone when the server is idle: no added latency); the pushes that arrive meanwhile wait
 * and go together in the next group, up to `GROUP_MUTATIONS` mutations a group. The pull route asks
 * `calm` before it reads, so a crowd's pushes go before its pulls (routes.ts).
 */
import type { Kysely } from 'kysely';
import type { PushRequest, PushResponse } from '../../domain/sync';
import type { BlobStore } from '../blobs/store';
import type { Database } from '../db/schema';
import type { Viewer } from '../scope/viewer';
import { Loaders, readSources } from './loaders';
import { MUTATIONS } from './mutations';
import type { PreworkJob } from './prework';
import {
  advances,
  checkClientOwner,
  flushRows,
  lockClients,
  mergeKeys,
  prepareAll,
  push,
  pushInTransaction,
  recordBatches,
  responseOf,
  runDeferred,
  savepoints,
  triage,
  unprocessed,
  type Buffered,
  type DecidedBatch,
  type Prepared,
  type PushItem,
  type Recorded,
} from './push';
import { TransientFailure, type MutationRegistry } from './registry';

/** What one push of a group came to: its response, or the error `push` would have thrown. */
export type PushSettled = { ok: true; value: PushResponse } | { ok: false; error: unknown };

/** An append-only push to be decided with others: its mutations and where its client stood. */
interface Together {
  index: number;
  prepared: Prepared[];
  startLast: number;
}

/** A push decided in memory, waiting for the group's INSERT and record. */
interface Decided extends DecidedBatch {
  index: number;
  rows: Buffered[];
  gap: boolean;
  stopped: TransientFailure | null;
}

/**
 * The mutations a group takes from the waiting pushes (at least one push, whatever its size). A crowd
 * is answered in instalments: while one group of about 50 two-visit pushes is decided, the next is
 * written, and its devices have their answers. One group of a whole crowd's 200 pushes kept every
 * device waiting for the last visit of all (bench/devices.ts, 2026-12-07 on PostgreSQL: the first
 * cycle's median 375 ms with 500, 251–292 ms with 100, 331 ms with 60, where the per-group
 * statements start to count); the herd's throughput was the same.
 */
export const GROUP_MUTATIONS = 100;

/**
 * Thrown out of a group's transaction when the one run it consisted of failed without a savepoint
 * (see pushGroup): the transaction is rolled back and the group tried again, every push on its own.
 */
class RunFailed extends Error {}

/** What a group does, in arrival order: runs of pushes decided together, and pushes on their own. */
type Step = { run: Together[] } | { alone: number };

/** Runs `items` in one transaction, each decided as `push` would decide it; results in item order. */
export async function pushGroup(db: Kysely<Database>, items: readonly PushItem[], registry: MutationRegistry = MUTATIONS, blobs?: Pick<BlobStore, 'has'>): Promise<PushSettled[]> {
  const sources = readSources(db, blobs);
  const attempt = (everyAlone: boolean) =>
    db.transaction().execute(async (trx) => {
      const settled: PushSettled[] = new Array<PushSettled>(items.length);
      const { savepoint, release, rollbackTo } = savepoints(trx);
      const clients = await lockClients(trx, items);

      /** A push on its own, under a savepoint: its failure rolls back only its writes. */
      const alone = async (index: number) => {
        await savepoint('one');
        try {
          settled[index] = { ok: true, value: await pushInTransaction(trx, items[index]!, registry, sources) };
          await release('one');
        } catch (error) {
          await rollbackTo('one');
          await release('one');
          settled[index] = { ok: false, error };
        }
      };

      /**
       * Append-only pushes decided together: one prefetch, one INSERT, one record. If that fails, each
       * push runs on its own: after a rollback to a savepoint, or (`guarded` false: the run is the whole
       * group, and a savepoint would cost two round trips of every group for a rare case) in a new
       * transaction.
       */
      const together = async (run: readonly Together[], guarded: boolean) => {
        if (guarded) await savepoint('grp');
        try {
          const load = new Loaders(trx, sources);
          await load.prefetch(mergeKeys(run.flatMap((t) => t.prepared), 0));
          const decided: Decided[] = [];
          for (const t of run) decided.push(await decide(trx, load, items[t.index]!, t));
          await flushRows(
            trx,
            decided.flatMap((d) => d.rows),
          );
          await recordBatches(
            trx,
            decided.filter((d) => d.last >= d.first),
          );
          if (guarded) await release('grp');
          for (const d of decided) settled[d.index] = settle(d);
        } catch (error) {
          // Whatever failed (the shared INSERT met a row stored meanwhile, a read failed), each of these
          // pushes now runs on its own, from a clean slate.
          if (!guarded) throw new RunFailed('the pushes could not go together', { cause: error });
          await rollbackTo('grp');
          await release('grp');
          for (const t of run) await alone(t.index);
        }
      };

      // In arrival order: the append-only pushes between two that must run alone go together, so a
      // push never sees the effect of one that arrived after it (a task completed before the visit
      // that was still to come, say).
      const steps: Step[] = [];
      let run: Together[] = [];
      const seen = new Set<string>();
      for (const [index, item] of items.entries()) {
        const clientId = item.req.clientId;
        const client = clients.get(clientId)!;
        try {
          checkClientOwner(client, item);
        } catch (error) {
          settled[index] = { ok: false, error };
          continue;
        }
        const prepared = prepareAll(item, registry);
        const startLast = client.last_mutation_id;
        const appendOnly = prepared.every((p) => p.rejection || p.spec!.deferrable);
        // A push resending seqs already decided (its answer was lost) is rare: it runs alone, where
        // their earlier rejections are looked up. So does a client's second push, which must start
        // where its first left the client.
        const resends = prepared.some((p) => p.m.seq <= startLast);
        if (!everyAlone && appendOnly && !resends && !seen.has(clientId)) run.push({ index, prepared, startLast });
        else {
          if (run.length > 0) steps.push({ run });
          run = [];
          steps.push({ alone: index });
        }
        seen.add(clientId);
      }
      if (run.length > 0) steps.push({ run });

      const only = steps.length === 1 ? steps[0]! : null;
      if (only && 'run' in only) await together(only.run, false);
      else for (const step of steps) await ('run' in step ? together(step.run, true) : alone(step.alone));
      return settled;
    });
  try {
    return await attempt(false);
  } catch (error) {
    if (!(error instanceof RunFailed)) throw error;
    return attempt(true);
  }
}

/**
 * Decides a push of append-only mutations in memory, as the fast path of `push` does: duplicates,
 * the gap, rejections and buffered rows. A transient failure stops the push there (what came before
 * it stands); any other error is thrown, and the group runs its pushes one by one.
 */
async function decide(
  trx: Kysely<Database>,
  load: Loaders,
  item: PushItem,
  { index, prepared, startLast }: Together,
): Promise<Decided> {
  const records: Recorded[] = [];
  const rows: Buffered[] = [];
  let last = startLast;
  let gap = false;
  let stopped: TransientFailure | null = null;
  for (const p of prepared) {
    const seq = p.m.seq;
    const next = triage(p, last);
    if (next === 'gap') {
      gap = true;
      break;
    }
    if (next !== 'run') {
      records.push(next);
      if (advances(next)) last = seq;
      continue;
    }
    const ran = await runDeferred(trx, item, load, p);
    if (ran instanceof TransientFailure) {
      stopped = ran;
      break;
    }
    rows.push(...ran.rows);
    records.push(ran.record);
    last = seq;
  }
  return { index, item, first: startLast + 1, last, records, rows, gap, stopped };
}

/** The response of a decided push, or the error `push` throws when nothing was processed. */
function settle(d: Decided): PushSettled {
  const error = unprocessed(d.item.req.clientId, d.records, d.last, d.gap, d.stopped);
  return error ? { ok: false, error } : { ok: true, value: responseOf(d.last, d.records) };
}

interface Waiting {
  item: PushItem;
  resolve: (r: PushResponse) => void;
  reject: (e: unknown) => void;
}

export interface PushQueueOptions {
  /** Groups running at once (each holds a connection). */
  concurrency?: number;
  /** A group takes waiting pushes until their mutations reach this many (at least one push); `GROUP_MUTATIONS`. */
  maxMutations?: number;
  registry?: MutationRegistry;
  /** Where blob bytes live (see Loaders). */
  blobs?: Pick<BlobStore, 'has'>;
}

/** Forms the groups of pushes (see the top of this file). */
export class PushQueue {
  readonly #waiting: Waiting[] = [];
  /** Callers of `calm` to wake when no push waits any more. */
  readonly #calmWaiters: (() => void)[] = [];
  #running = 0;
  readonly #concurrency: number;
  readonly #maxMutations: number;
  readonly #registry: MutationRegistry;
  readonly #blobs: Pick<BlobStore, 'has'> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    opts: PushQueueOptions = {},
  ) {
    this.#concurrency = opts.concurrency ?? 2;
    this.#maxMutations = opts.maxMutations ?? GROUP_MUTATIONS;
    this.#registry = opts.registry ?? MUTATIONS;
    this.#blobs = opts.blobs;
  }

  /** Decides a push (received now) in the next group; resolves or throws as `push` would. */
  push(viewer: Viewer, req: PushRequest, prework?: PreworkJob): Promise<PushResponse> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item: { viewer, req, receivedAt: new Date(), prework }, resolve, reject });
      this.#drain();
    });
  }

  /**
   * Resolves once no push waits for a group — at once when none does — or after `maxMs` at the latest,
   * so that a steady stream of pushes delays the caller by `maxMs`, never more.
   */
  calm(maxMs: number): Promise<void> {
    if (this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.#calmWaiters.indexOf(wake);
        if (at >= 0) this.#calmWaiters.splice(at, 1);
        resolve();
      }, maxMs);
      this.#calmWaiters.push(wake);
    });
  }

  #drain(): void {
    while (this.#running < this.#concurrency && this.#waiting.length > 0) {
      let mutations = 0;
      let n = 0;
      while (n < this.#waiting.length && (n === 0 || mutations + this.#waiting[n]!.item.req.mutations.length <= this.#maxMutations)) {
        mutations += this.#waiting[n]!.item.req.mutations.length;
        n++;
      }
      const group = this.#waiting.splice(0, n);
      if (this.#waiting.length === 0) for (const wake of this.#calmWaiters.splice(0)) wake();
      this.#running++;
      void this.#run(group).finally(() => {
        this.#running--;
        this.#drain();
      });
    }
  }

  async #run(group: Waiting[]): Promise<void> {
    if (group.length > 1) {
      try {
        const settled = await pushGroup(
          this.db,
          group.map((w) => w.item),
          this.#registry,
          this.#blobs,
        );
        settled.forEach((s, i) => (s.ok ? group[i]!.resolve(s.value) : group[i]!.reject(s.error)));
        return;
      } catch {
        // The group's transaction failed as a whole (nothing of it was written): each push is tried
        // again on its own, so that a failure is only the failing push's own.
      }
    }
    for (const w of group) await this.#alone(w);
  }

  #alone(w: Waiting): Promise<void> {
    const { viewer, req, receivedAt, prework } = w.item;
    return push(this.db, viewer, req, { registry: this.#registry, now: () => receivedAt, blobs: this.#blobs, prework }).then(w.resolve, w.reject);
  }
}
