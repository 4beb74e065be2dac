/**
 * Batched, cached reads for one push batch: before the first handler runs, the ids every mutation
 * will read are loaded with one `= ANY($1)` query per kind, so a batch of 500 visits costs a handful
 * of round trips instead of thousands. Misses fall back to a single query. All reads happen in the
 * batch transaction, so the cache sees what the batch itself wrote; handlers that change a cached row
 * invalidate it.
 */
import { sql, type Kysely } from 'kysely';
import type { ChecklistTemplate } from '../../domain/entities';
import { SHA256_RE, UUID_RE } from '../../domain/ids';
import type { BlobStore } from '../blobs/store';
import type { Database, PlaceRow, TaskRow } from '../db/schema';
import { templateFromRow } from '../templates/rows';
import type { PrefetchKeys } from './registry';

/** What a push reads of a stored visit: whether it exists (and with which hash), and where and whose it is. */
export interface VisitStub {
  id: string;
  hash: string;
  place_id: string;
  inspector_ids: string[];
  grid_id: string | null;
}

const VISIT_STUB = ['id', 'hash', 'place_id', 'inspector_ids', 'grid_id'] as const;

/**
 * Checklist templates are immutable once published (SPEC §3): what a database holds under a template
 * id never changes, so a process reads each template once for all its pushes instead of once a batch.
 * Only templates found are kept (one may be published later); per database, as tests run several.
 */
const publishedByDb = new WeakMap<Kysely<Database>, Map<string, ChecklistTemplate>>();

/** Where a push reads from besides its transaction. */
export interface ReadSources {
  /** Where blob bytes live (see Loaders); without it, a blob's row alone counts. */
  blobs?: Pick<BlobStore, 'has'>;
  /** The templates the pushes of this database have read so far (see above). */
  templates: Map<string, ChecklistTemplate>;
}

/** The read sources of the pushes into `db` (the root database, not a transaction of it). */
export function readSources(db: Kysely<Database>, blobs?: Pick<BlobStore, 'has'>): ReadSources {
  let templates = publishedByDb.get(db);
  if (!templates) publishedByDb.set(db, (templates = new Map<string, ChecklistTemplate>()));
  return { blobs, templates };
}

export class Loaders {
  readonly #places = new Map<string, PlaceRow | null>();
  readonly #visits = new Map<string, VisitStub | null>();
  readonly #templates = new Map<string, ChecklistTemplate | null>();
  readonly #tasks = new Map<string, TaskRow | null>();
  readonly #blobs = new Map<string, boolean>();

  /**
   * `sources.blobs`: where blob bytes live. A blob counts as held only with its row AND its bytes, as
   * the blob routes count it: a row whose file was lost (a disk replaced, the blob directory restored
   * apart from the database) is a missing blob, so the mutation waits (transient) and the device sends
   * it again. `sources.templates`: templates already read, shared by the pushes of one database.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sources: ReadSources,
  ) {}

  clear(): void {
    for (const m of [this.#places, this.#visits, this.#templates, this.#tasks, this.#blobs]) m.clear();
  }

  async prefetch(keys: PrefetchKeys): Promise<void> {
    // Only ids that can be a row's key are asked for: any other (from arguments not checked yet, see
    // push.ts) would fail the query, and is not there anyway.
    const fresh = <T>(ids: readonly unknown[] | undefined, cache: Map<string, T>, key = UUID_RE) =>
      [...new Set(ids ?? [])].filter((id): id is string => typeof id === 'string' && key.test(id) && !cache.has(id));
    const places = fresh(keys.places, this.#places);
    const visits = fresh(keys.visits, this.#visits);
    // Templates some push of this database has read already are taken from there, not read again.
    const templates: string[] = [];
    for (const id of fresh(keys.templates, this.#templates)) {
      const known = this.sources.templates.get(id);
      if (known) this.#templates.set(id, known);
      else templates.push(id);
    }
    const tasks = fresh(keys.tasks, this.#tasks);
    const blobs = fresh(keys.blobs, this.#blobs, SHA256_RE);
    if (places.length) {
      const rows = await this.db.selectFrom('places').selectAll().where(anyId('id', places)).execute();
      remember(this.#places, places, rows, (r) => r.id);
    }
    if (visits.length) {
      const rows = await this.db.selectFrom('visits').select(VISIT_STUB).where(anyId('id', visits)).execute();
      remember(this.#visits, visits, rows, (r) => r.id);
    }
    if (templates.length) {
      const rows = await this.db.selectFrom('checklist_templates').selectAll().where(anyId('id', templates)).execute();
      const found = rows.map(templateFromRow);
      remember(this.#templates, templates, found, (t) => t.id);
      for (const t of found) this.sources.templates.set(t.id, t);
    }
    if (tasks.length) {
      const rows = await this.db.selectFrom('tasks').selectAll().where(anyId('id', tasks)).execute();
      remember(this.#tasks, tasks, rows, (r) => r.id);
    }
    if (blobs.length) {
      const rows = await this.db.selectFrom('blobs').select('sha256').where(anyId('sha256', blobs, 'text')).execute();
      const have = new Set(rows.map((r) => r.sha256));
      const bytes = this.sources.blobs;
      if (bytes) {
        const stored = await Promise.all([...have].map(async (b) => [b, await bytes.has(b)] as const));
        for (const [b, ok] of stored) if (!ok) have.delete(b);
      }
      for (const b of blobs) this.#blobs.set(b, have.has(b));
    }
  }

  async place(id: string): Promise<PlaceRow | null> {
    if (!this.#places.has(id)) await this.prefetch({ places: [id] });
    return this.#places.get(id) ?? null;
  }

  async visit(id: string): Promise<VisitStub | null> {
    if (!this.#visits.has(id)) await this.prefetch({ visits: [id] });
    return this.#visits.get(id) ?? null;
  }

  async template(id: string): Promise<ChecklistTemplate | null> {
    if (!this.#templates.has(id)) await this.prefetch({ templates: [id] });
    return this.#templates.get(id) ?? null;
  }

  async task(id: string): Promise<TaskRow | null> {
    if (!this.#tasks.has(id)) await this.prefetch({ tasks: [id] });
    return this.#tasks.get(id) ?? null;
  }

  /** The hashes among `hashes` the server does not hold yet. */
  async missingBlobs(hashes: readonly string[]): Promise<string[]> {
    await this.prefetch({ blobs: [...hashes] });
    return hashes.filter((h) => this.#blobs.get(h) !== true);
  }

  /** A visit this batch inserts (deferred): later mutations of the batch must see it. */
  noteVisit(stub: VisitStub): void {
    this.#visits.set(stub.id, stub);
  }

  invalidate(kind: 'place' | 'task', id: string): void {
    (kind === 'place' ? this.#places : this.#tasks).delete(id);
  }
}

/** One array parameter: the statement keeps the same shape (and plan) whatever the count. */
function anyId(column: string, ids: string[], type: 'uuid' | 'text' = 'uuid') {
  return sql<boolean>`${sql.ref(column)} = ANY(${sql.val(ids)}::${sql.raw(type)}[])`;
}

function remember<T>(cache: Map<string, T | null>, asked: string[], found: T[], key: (t: T) => string): void {
  for (const id of asked) cache.set(id, null);
  for (const t of found) cache.set(key(t), t);
}
