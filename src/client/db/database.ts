/**
 * The device's local database (SPEC §4, §8): one IndexedDB database per signed-in user, opened
 * through a singleton registry so the app never holds two connections to the same data.
 *
 * Domain rows mirror the server (§3). Beside them: the outbox of mutations not yet confirmed by a
 * pull, the blobs (photos) addressed by SHA-256, sync metadata, rejected mutations and "shadows"
 * (server rows held back while local work on them is pending).
 */
import Dexie, { type EntityTable, type Table } from 'dexie';
import type {
  Case,
  ChecklistTemplate,
  LedgerEvent,
  Place,
  Region,
  Subject,
  Task,
  User,
  Visit,
} from '../../domain/entities';
import type { EntityName } from '../../domain/enums';
import { uuidv7 } from '../../domain/ids';
import type { Change, Cursor, MutationName } from '../../domain/sync';

export interface OutboxEntry {
  /** Assigned by the IndexedDB key generator: strictly increasing, never reused in this database. */
  seq?: number;
  name: MutationName;
  args: unknown;
  at: string;
  /** `entity:id` of every row the mutation touched locally; pull leaves those rows alone until confirmed. */
  keys: string[];
  /** SHA-256 of the blobs the mutation references; uploaded before the mutation is pushed. */
  blobRefs: string[];
  /** 1 once a push answered `applied`/`duplicate`; the entry stays until a pull confirms it. */
  acked: 0 | 1;
}
export type StoredOutboxEntry = OutboxEntry & { seq: number };

export interface BlobRow {
  sha256: string;
  /**
   * The bytes. Kept as an ArrayBuffer rather than a Blob: older WebKit fails to store Blobs in
   * IndexedDB, and an ArrayBuffer survives every structured-clone implementation (tests included).
   */
  data: ArrayBuffer;
  contentType: string;
  size: number;
  uploaded: 0 | 1;
  createdAt: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export interface RejectionRow {
  seq: number;
  name: string;
  args: unknown;
  code: string;
  reason: string;
  at: string;
  rejectedAt: string;
  keys: string[];
}

/**
 * A server row that arrived while local work on the same row was pending — or, with `base`, the row
 * as this device had it from the server before its first pending change (a deletion for a row the
 * device created). A base is only a fallback: it is restored when a change to the row is rejected
 * (`rejected`), and simply dropped once the pending work is confirmed.
 */
export interface ShadowRow {
  key: string;
  change: Change;
  base?: true;
  rejected?: true;
}

export interface EntityRows {
  region: Region;
  user: User;
  place: Place;
  subject: Subject;
  ledgerEvent: LedgerEvent;
  checklistTemplate: ChecklistTemplate;
  task: Task;
  visit: Visit;
  case: Case;
}

/** The store holding each synced entity. */
export const ENTITY_TABLES = {
  region: 'regions',
  user: 'users',
  place: 'places',
  subject: 'subjects',
  ledgerEvent: 'ledgerEvents',
  checklistTemplate: 'templates',
  task: 'tasks',
  visit: 'visits',
  case: 'cases',
} as const satisfies Record<EntityName, string>;

export type EntityTableName = (typeof ENTITY_TABLES)[EntityName];

export function rowKey(entity: EntityName, id: string): string {
  return `${entity}:${id}`;
}

export class GridPatrolDB extends Dexie {
  regions!: EntityTable<Region, 'id'>;
  users!: EntityTable<User, 'id'>;
  places!: EntityTable<Place, 'id'>;
  subjects!: EntityTable<Subject, 'id'>;
  ledgerEvents!: EntityTable<LedgerEvent, 'id'>;
  templates!: EntityTable<ChecklistTemplate, 'id'>;
  tasks!: EntityTable<Task, 'id'>;
  visits!: EntityTable<Visit, 'id'>;
  cases!: EntityTable<Case, 'id'>;
  blobs!: EntityTable<BlobRow, 'sha256'>;
  outbox!: Table<StoredOutboxEntry, number, OutboxEntry>;
  meta!: EntityTable<MetaRow, 'key'>;
  rejections!: EntityTable<RejectionRow, 'seq'>;
  shadows!: EntityTable<ShadowRow, 'key'>;

  constructor(
    readonly userId: string,
    options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {},
  ) {
    super(userDbName(userId), options);
    this.version(1).stores({
      regions: 'id, parentId, level',
      users: 'id, regionId',
      places: 'id, gridId, kind, riskLevel',
      subjects: 'id, gridId, status, *placeIds',
      ledgerEvents: 'id, subjectId, at',
      templates: 'id, code',
      tasks: 'id, gridId, status, dueAt, *placeIds, *assigneeIds',
      visits: 'id, placeId, taskId, endedAt, [deviceId+endedAt]',
      cases: 'id, status, gridId, placeId',
      blobs: 'sha256, uploaded',
      outbox: '++seq, [acked+seq], *keys',
      meta: 'key',
      rejections: 'seq',
      shadows: 'key',
    });
    // v2: `[taskId+placeId]` answers "which route places has this task's visits" from the index alone,
    // without reading (and structured-cloning) whole visits — the task list's progress (SPEC §12).
    this.version(2).stores({
      visits: 'id, placeId, taskId, endedAt, [deviceId+endedAt], [taskId+placeId]',
    });
  }

  entityTable<E extends EntityName>(entity: E): Table<EntityRows[E], string> {
    return this.table(ENTITY_TABLES[entity]);
  }

  async getMeta<K extends keyof MetaValues>(key: K): Promise<MetaValues[K] | undefined> {
    const row = await this.meta.get(key);
    return row?.value as MetaValues[K] | undefined;
  }

  async setMeta<K extends keyof MetaValues>(key: K, value: MetaValues[K]): Promise<void> {
    await this.meta.put({ key, value });
  }

  /** This database's sync client id, generated once and kept for the database's life. */
  async clientId(): Promise<string> {
    return this.transaction('rw', this.meta, async () => {
      const existing = await this.getMeta('clientId');
      if (existing) return existing;
      const id = uuidv7();
      await this.setMeta('clientId', id);
      return id;
    });
  }
}

/** Typed meta keys. */
export interface MetaValues {
  clientId: string;
  epoch: string | null;
  cursors: Record<string, Cursor | null>;
  lastMutationId: number;
  /** The hash of this device's last submitted visit (the visit chain of SPEC §8). */
  prevHash: string | null;
  lastSyncAt: string;
  /** The result of `navigator.storage.persist()` after login. */
  persisted: boolean;
  /** Lost scopes whose purge spared rows with pending work; purged again once that work ends. */
  sparedScopes: string[];
}

export function userDbName(userId: string): string {
  return `grid-patrol-${userId}`;
}

const open = new Map<string, GridPatrolDB>();

/** The database of `userId`, opened once per process; every caller shares the same instance. */
export function openUserDb(
  userId: string,
  options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {},
): GridPatrolDB {
  let db = open.get(userId);
  if (!db) {
    db = new GridPatrolDB(userId, options);
    open.set(userId, db);
  }
  return db;
}

export function closeUserDb(userId: string): void {
  const db = open.get(userId);
  if (!db) return;
  open.delete(userId);
  db.close();
}

/** Closes every open user database (sign-out, tests). */
export function closeAllUserDbs(): void {
  for (const id of [...open.keys()]) closeUserDb(id);
}
