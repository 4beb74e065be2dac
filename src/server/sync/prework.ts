/**
 * A large push's prework in a worker thread (see `Prework` in registry.ts): while this thread parses
 * the push, locks its client, reads what it needs and writes its rows — on PGlite the database runs
 * in this very thread — a worker parses the same body, checks each mutation's arguments with its
 * schema and does its prework (visits: the canonical JSON, its SHA-256, the NUL check, the document's
 * UTF-8), and sends the work back a chunk at a time, for the arguments that passed. The push takes
 * the worker's work where it came and fits, and with it the check; it does both itself otherwise. The
 * same functions on the same text: the worker saves this thread time and never changes an outcome.
 *
 * One worker, one push at a time: a push arriving while the worker is busy (a crowd of devices, where
 * the group commit of push-group.ts is what pays) does its prework itself, as does a small push (the
 * round trip is not worth it) and every push once the worker failed.
 *
 * Measured with `npm run bench -- sync` on 2026-12-07 (PGlite, pushes of 500 visits): a push about
 * 8 % faster with the prework, and about 11 % more once the worker's check stood for this thread's
 * (the two ways in ABBA order in one process); tests/server/sync-prework.test.ts checks that the
 * outcome is the same with and without.
 */
import { Worker } from 'node:worker_threads';
import { pushRequestSchema } from '../../domain/sync';
import { inSeqOrder, prepare } from './push';
import type { MutationRegistry } from './registry';

/** A body shorter than this many bytes (about 50 visits) is not sent to the worker. */
export const PREWORK_MIN_BYTES = 100_000;

/**
 * The worker sends its work this many mutations at a time, the first chunk smaller: the push waits
 * for it with nothing else to do, and writes its first rows while the worker does the next.
 */
const CHUNK = 100;
const FIRST_CHUNK = 20;

/** The worker thread's entry: it registers tsx (a worker does not inherit `--import`), then runs prework-worker.ts. */
const BOOT = new URL('./prework-boot.mjs', import.meta.url);

/**
 * The prework of each mutation of a push body, in the order `prepareAll` puts them (`inSeqOrder`),
 * `first` and then `size` at a time: null where a mutation has none (no prework, rejected arguments)
 * or it failed — the push then does it itself and meets the failure there. Nothing for a body that is
 * not a valid push.
 */
export function* preworkChunks(body: string, registry: MutationRegistry, size = CHUNK, first = FIRST_CHUNK): Generator<unknown[]> {
  let parsed: ReturnType<typeof pushRequestSchema.safeParse>;
  try {
    parsed = pushRequestSchema.safeParse(JSON.parse(body));
  } catch {
    return;
  }
  if (!parsed.success) return;
  // Each chunk's arguments are validated when it comes: the first is sent before the rest is looked at.
  const mutations = inSeqOrder(parsed.data);
  for (let i = 0, n = first; i < mutations.length; i += n, n = size) {
    yield mutations.slice(i, i + n).map((m, k) => {
      const p = prepare(m, i + k, registry);
      if (!p.spec?.prework || p.rejection) return null;
      try {
        return p.spec.prework.run(p.args);
      } catch {
        return null;
      }
    });
  }
}

/**
 * A JSON body's text from its bytes, as the push route and the worker read it: UTF-8, malformed
 * sequences replaced (as Fastify decodes a body it reads as a string).
 */
export function decodeBody(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** A push's prework, arriving. */
export interface PreworkJob {
  /** The work of the `index`th mutation in seq order, once it came; undefined when none will. */
  at(index: number): Promise<unknown>;
  /** Whether `at(index)` answers without waiting for the worker. */
  ready(index: number): boolean;
}

/**
 * What the worker sends: a chunk of works from mutation `from` on; `done` on a body's last one. It
 * takes one body at a time and answers in order, so every message is the current job's.
 */
export interface PreworkMessage {
  from: number;
  works: unknown[];
  done: boolean;
}

class Job implements PreworkJob {
  readonly #works: unknown[] = [];
  #done = false;
  #wake: (() => void)[] = [];

  add(from: number, works: readonly unknown[]): void {
    for (let k = 0; k < works.length; k++) this.#works[from + k] = works[k];
    this.#wakeAll();
  }

  finish(): void {
    this.#done = true;
    this.#wakeAll();
  }

  ready(index: number): boolean {
    return index < this.#works.length || this.#done;
  }

  async at(index: number): Promise<unknown> {
    while (!this.ready(index)) await new Promise<void>((resolve) => this.#wake.push(resolve));
    return this.#works[index] ?? undefined;
  }

  #wakeAll(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }
}

export interface PreworkPoolOptions {
  /** Bodies shorter than this many bytes are left to the push (default PREWORK_MIN_BYTES). */
  minBytes?: number;
  /** Told when the worker fails; the pool then leaves every push to do its own prework. */
  onError?: (err: unknown) => void;
  /** The worker's entry (default prework-boot.mjs; tests give one that fails). */
  entry?: URL;
}

export class PreworkPool {
  #worker: Worker | null = null;
  #current: Job | null = null;
  /** Closed, or the worker failed: every push does its own prework from then on. */
  #stopped = false;

  constructor(private readonly opts: PreworkPoolOptions = {}) {}

  /**
   * Starts the prework of a push body, its bytes as received (UTF-8 JSON); undefined when the push is
   * to do it itself (see above). The worker decodes them itself: handing it bytes costs this thread a
   * copy, a string twice its length in a serialised copy.
   */
  start(body: Uint8Array): PreworkJob | undefined {
    if (this.#stopped || this.#current || body.byteLength < (this.opts.minBytes ?? PREWORK_MIN_BYTES)) return undefined;
    const worker = this.#worker ?? this.#spawn();
    const job = new Job();
    this.#current = job;
    // Referenced while a job runs: a process awaiting its work must not exit meanwhile.
    worker.ref();
    const bytes = new Uint8Array(body);
    worker.postMessage(bytes, [bytes.buffer]);
    return job;
  }

  /** Stops the worker; a job still running ends without more work (its push does the rest). */
  async close(): Promise<void> {
    this.#stopped = true;
    const worker = this.#worker;
    this.#worker = null;
    this.#end();
    if (worker) await worker.terminate();
  }

  #spawn(): Worker {
    const worker = new Worker(this.opts.entry ?? BOOT);
    worker.on('message', (m: PreworkMessage) => this.#receive(m));
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', (code) => this.#fail(new Error(`prework worker exited (code ${code})`)));
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #receive(m: PreworkMessage): void {
    this.#current?.add(m.from, m.works);
    if (m.done) this.#end();
  }

  #end(): void {
    this.#current?.finish();
    this.#current = null;
    this.#worker?.unref();
  }

  #fail(err: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#end();
    this.#worker = null;
    this.opts.onError?.(err);
  }
}
