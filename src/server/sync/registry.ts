/**
 * Named, versioned mutations (SPEC §8): each is one module exporting a spec — its name, its zod
 * argument schema and a handler run with the caller's current authorisation. A handler signals a
 * permanent failure by throwing `Rejection` (recorded, the queue moves on) and a transient one by
 * throwing `TransientFailure` (nothing advances; the client retries later).
 */
import type { Kysely } from 'kysely';
import type { ZodType } from 'zod';
import { MUTATION_ARGS, type MutationName } from '../../domain/sync';
import type { Database } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';
import type { Viewer } from '../scope/viewer';
import type { Loaders } from './loaders';
import type { VisitInsert } from './visit-insert';

/** A permanent failure: validation, authorisation, an illegal transition. `reason` is Chinese. */
export class Rejection extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'Rejection';
  }
}

/** A failure that may go away (a blob not uploaded yet, the database unavailable). */
export class TransientFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransientFailure';
  }
}

/** Append-only inserts a handler may defer: flushed in multi-row INSERTs by the push engine. */
export type DeferredTable = 'visits' | 'blob_refs';

/** What a deferred insert carries: a visit with the server's additions, or a blob_refs row. */
export type DeferredRow<T extends DeferredTable> = T extends 'visits' ? VisitInsert : Record<string, unknown>;

export interface MutationContext {
  /** The batch transaction; a handler that writes through it directly runs inside its own savepoint. */
  trx: Kysely<Database>;
  viewer: Viewer;
  clientId: string;
  seq: number;
  /** When the mutation was made on the device. */
  at: string;
  receivedAt: Date;
  /** Server receipt time minus the device's `sentAt`, when the device sent it. */
  clockOffsetMs: number | null;
  load: Loaders;
  /** Buffers an insert-if-absent of an append-only row (see `deferrable`). */
  defer<T extends DeferredTable>(table: T, row: DeferredRow<T>): void;
}

/** The record a set of evidence photos belongs to, for its `blob_refs` rows (who may download them). */
export interface EvidenceOwner {
  entity: 'visit' | 'case';
  rowId: string;
  keys: ScopeKeys;
  placeId: string | null;
}

/**
 * A record's photos must be on the server before the record (SPEC §8): a missing one is a transient
 * failure (nothing advances; the device uploads it and retries). The present ones are referenced from
 * the record, with the caller as their owner, by deferred `blob_refs` rows.
 */
export async function attachEvidence(ctx: MutationContext, hashes: readonly string[], owner: EvidenceOwner): Promise<void> {
  if (hashes.length === 0) return;
  const missing = await ctx.load.missingBlobs(hashes);
  if (missing.length > 0) throw new TransientFailure('blob_missing', `blobs not uploaded yet: ${missing.join(', ')}`);
  for (const sha256 of new Set(hashes)) {
    ctx.defer('blob_refs', { sha256, entity: owner.entity, row_id: owner.rowId, ...owner.keys, place_id: owner.placeId, owner_id: ctx.viewer.user.id });
  }
}

export interface MutationOutcome {
  /** `duplicate`: the effect was already there (same id, same content); nothing changed. */
  status?: 'applied' | 'duplicate';
  entity?: string;
  entityId?: string;
}

/** Ids a batch will read, loaded in one query per kind before the first handler runs. */
export interface PrefetchKeys {
  places?: string[];
  visits?: string[];
  templates?: string[];
  tasks?: string[];
  blobs?: string[];
}

/**
 * Work on a mutation's arguments alone — no database, no caller, no clock: the same arguments give
 * the same work wherever it runs. A large push has it done ahead in a worker thread while this thread
 * runs the database (prework.ts); the handler receives it, done here whenever the worker's is not
 * there. It must survive structured cloning (strings, numbers, booleans, typed arrays, plain objects).
 *
 * The worker checks the arguments with the spec's schema before its prework and sends work only for
 * arguments that passed: a work that fits stands for that check too, and the push does not check
 * them again (push.ts, `Prepared.unchecked`). The handler then receives the arguments as sent, not
 * as the schema parsed them: a spec with prework must have a schema that only accepts or refuses (no
 * default, trim or transform; key order aside), as the visit schemas do. tests/server/sync-prework.test.ts
 * holds a push to the same outcomes with and without the worker.
 */
export interface Prework<A, W> {
  run(args: A): W;
  /**
   * Whether a work the worker sent belongs to these arguments, as sent and not checked yet (anything
   * at all): a guard against a work from another body.
   */
  fits(work: unknown, args: unknown): work is W;
}

export interface MutationSpec<A = unknown, W = undefined> {
  name: string;
  args: ZodType<A>;
  /**
   * True when the handler writes only through `ctx.defer` and throws before deferring anything:
   * then it runs without a savepoint of its own and its rows join the batch's multi-row INSERT.
   */
  deferrable?: boolean;
  prefetch?(args: A): PrefetchKeys;
  prework?: Prework<A, W>;
  /** `work`: the spec's prework of these arguments (undefined for a spec without one). */
  handle(ctx: MutationContext, args: A, work: W): Promise<MutationOutcome>;
}

/** Any spec, whatever its argument type (the registry checks arguments with the spec's own schema). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMutationSpec = MutationSpec<any, any>;

/** A mutation of the shared contract: its argument schema comes from src/domain/sync.ts. */
export function defineMutation<N extends MutationName, W = undefined>(
  name: N,
  spec: Omit<MutationSpec<(typeof MUTATION_ARGS)[N]['_output'], W>, 'name' | 'args'>,
): MutationSpec<(typeof MUTATION_ARGS)[N]['_output'], W> {
  return { name, args: MUTATION_ARGS[name] as unknown as ZodType<(typeof MUTATION_ARGS)[N]['_output']>, ...spec };
}

/** Resolves `name@version` exactly: every version stays accepted as long as its module is listed. */
export class MutationRegistry {
  readonly #byName = new Map<string, MutationSpec<unknown, unknown>>();

  constructor(specs: readonly AnyMutationSpec[] = []) {
    for (const s of specs) this.add(s);
  }

  add(spec: AnyMutationSpec): this {
    if (this.#byName.has(spec.name)) throw new Error(`mutation ${spec.name} registered twice`);
    this.#byName.set(spec.name, spec as MutationSpec<unknown, unknown>);
    return this;
  }

  get(name: string): MutationSpec<unknown, unknown> | undefined {
    return this.#byName.get(name);
  }

  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  /** A copy with more mutations (tests register test-only ones without touching the default). */
  with(...specs: AnyMutationSpec[]): MutationRegistry {
    const r = new MutationRegistry([...this.#byName.values()]);
    for (const s of specs) r.add(s);
    return r;
  }
}
