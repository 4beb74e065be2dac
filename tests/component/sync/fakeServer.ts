/**
 * An in-memory server that speaks the sync protocol of SPEC §8 faithfully enough to test the
 * client engine: per-client lastMutationId, duplicates, gap errors, rejections that still advance,
 * scope buckets with (xid, id) cursors and tombstones, paging with hasMore, epoch, dropScopes.
 * It implements `SyncTransport`, the same boundary the HTTP transport implements.
 */
import { sha256Hex } from '../../../src/domain/canonical';
import type { EntityName } from '../../../src/domain/enums';
import { rowScopes } from '../../../src/domain/scopes';
import {
  encodeCursor,
  decodeCursor,
  type Change,
  type Mutation,
  type PullRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type PushResult,
} from '../../../src/domain/sync';
import { BLOB_CHUNK_BYTES } from '../../../src/domain/transfer';
import { MutationGapError, NetworkError, ServerError, UnauthorizedError, type SyncTransport } from '../../../src/client/sync/transport';

interface Entry {
  entity: EntityName;
  id: string;
  op: 'put' | 'del';
  data?: Record<string, unknown>;
  xid: number;
}

type Row = Record<string, unknown> & { id: string };

export type Failure = 'network' | 'server' | 'unauthorized' | 'lost_response';

const ZERO_ID = '00000000-0000-0000-0000-000000000000';

export class FakeServer implements SyncTransport {
  epoch = 'epoch-1';
  pageSize = 1000;
  /** Scopes the user holds now. */
  held = new Set<string>();
  readonly clients = new Map<string, number>();
  readonly blobs = new Map<string, { contentType: string; size: number }>();
  /** Every push/pull/putBlob call, in order, for assertions on ordering and overlap. */
  readonly calls: { kind: 'push' | 'pull' | 'blob'; body?: unknown }[] = [];
  readonly applied: Mutation[] = [];
  /** Permanent failures: return a reason to reject the mutation. */
  reject: (m: Mutation) => { code: string; reason: string } | null = () => null;
  /** Next failures, consumed one per call. */
  failPush: Failure[] = [];
  failPull: Failure[] = [];
  failBlob: Failure[] = [];
  /** Runs while a pull is "on the wire", before the answer is built. */
  onPull: ((req: PullRequest) => Promise<void> | void) | null = null;
  /** Runs while a push is "on the wire". */
  onPush: ((req: PushRequest) => Promise<void> | void) | null = null;
  inFlight = 0;
  maxInFlight = 0;
  /**
   * A slow link: a request (push body, pull answer, photo or chunk) larger than this many bytes of
   * JSON or data does not arrive within the time limit and fails as a timeout, with no effect.
   */
  linkBytes: number | null = null;

  private xid = 1;
  private readonly rows = new Map<string, { entity: EntityName; row: Row }>();
  private readonly buckets = new Map<string, Map<string, Entry>>();

  // ---- server-side writes (what other users and the server itself do) ----

  put(entity: EntityName, row: Row): void {
    const key = `${entity}:${row.id}`;
    const before = this.rows.get(key);
    const xid = this.xid++;
    const oldScopes = before ? this.scopesOf(entity, before.row) : [];
    this.rows.set(key, { entity, row: structuredClone(row) });
    const newScopes = this.scopesOf(entity, row);
    for (const s of oldScopes) {
      if (!newScopes.includes(s)) this.bucket(s).set(key, { entity, id: row.id, op: 'del', xid });
    }
    for (const s of newScopes) this.bucket(s).set(key, { entity, id: row.id, op: 'put', data: structuredClone(row), xid });
  }

  del(entity: EntityName, id: string): void {
    const key = `${entity}:${id}`;
    const before = this.rows.get(key);
    if (!before) return;
    const xid = this.xid++;
    for (const s of this.scopesOf(entity, before.row)) this.bucket(s).set(key, { entity, id, op: 'del', xid });
    this.rows.delete(key);
  }

  /** A row lost without a trace (as in a restore from an older backup). */
  forget(entity: EntityName, id: string): void {
    const key = `${entity}:${id}`;
    this.rows.delete(key);
    for (const b of this.buckets.values()) b.delete(key);
  }

  get(entity: EntityName, id: string): Row | undefined {
    return this.rows.get(`${entity}:${id}`)?.row;
  }

  /** A database restore: new epoch, the clients' positions rolled back to `positions`. */
  restore(epoch: string, positions: Record<string, number> = {}): void {
    this.epoch = epoch;
    for (const [k, v] of Object.entries(positions)) this.clients.set(k, v);
  }

  private bucket(scope: string): Map<string, Entry> {
    let b = this.buckets.get(scope);
    if (!b) this.buckets.set(scope, (b = new Map<string, Entry>()));
    return b;
  }

  private scopesOf(entity: EntityName, row: Row): string[] {
    return rowScopes(entity, row, {
      gridOfPlace: (id) => this.get('place', id)?.gridId as string | undefined,
      gridOfSubject: (id) => this.get('subject', id)?.gridId as string | undefined,
    });
  }

  private async wire<T>(failures: Failure[], work: () => Promise<T> | T): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 1));
      const failure = failures.shift();
      if (failure === 'network') throw new NetworkError();
      if (failure === 'server') throw new ServerError('internal', '服务器异常（500）', 500);
      if (failure === 'unauthorized') throw new UnauthorizedError('unauthenticated', '请先登录', 401);
      const result = await work();
      if (failure === 'lost_response') throw new NetworkError();
      return result;
    } finally {
      this.inFlight--;
    }
  }

  // ---- SyncTransport ----

  private overLink(bytes: number): void {
    if (this.linkBytes !== null && bytes > this.linkBytes) throw new NetworkError('网络超时', 'timeout');
  }

  push(body: PushRequest): Promise<PushResponse> {
    this.calls.push({ kind: 'push', body: structuredClone(body) });
    return this.wire(this.failPush, async () => {
      this.overLink(jsonBytes(body));
      await this.onPush?.(body);
      let last = this.clients.get(body.clientId) ?? 0;
      const first = body.mutations[0]!;
      if (first.seq > last + 1) throw new MutationGapError(last + 1, '同步序号不连续', { expected: last + 1 });
      const results: PushResult[] = [];
      for (const m of body.mutations) {
        if (m.seq <= last) {
          results.push({ seq: m.seq, status: 'duplicate' });
          continue;
        }
        if (m.seq > last + 1) break;
        const rejection = this.reject(m);
        if (rejection) results.push({ seq: m.seq, status: 'rejected', ...rejection });
        else {
          this.apply(m);
          results.push({ seq: m.seq, status: 'applied' });
        }
        last = m.seq;
      }
      this.clients.set(body.clientId, last);
      return { lastMutationId: last, results };
    });
  }

  pull(body: PullRequest): Promise<PullResponse> {
    this.calls.push({ kind: 'pull', body: structuredClone(body) });
    return this.wire(this.failPull, async () => {
      await this.onPull?.(body);
      const reset = body.epoch !== null && body.epoch !== this.epoch;
      const cursors = reset ? {} : body.cursors;
      const dropScopes = Object.keys(cursors).filter((s) => !this.held.has(s));
      const changes: Change[] = [];
      const nextCursors: Record<string, string | null> = {};
      let hasMore = false;
      for (const scope of [...this.held].sort()) {
        const cursor = cursors[scope] ?? null;
        const after = cursor === null ? null : decodeCursor(cursor);
        const entries = [...(this.buckets.get(scope)?.values() ?? [])]
          .filter((e) => (cursor === null ? e.op === 'put' : compare(e, after!) > 0))
          .sort((a, b) => a.xid - b.xid || a.id.localeCompare(b.id));
        let last: Entry | undefined;
        for (const e of entries) {
          if (changes.length >= Math.min(this.pageSize, body.limit ?? Infinity)) {
            hasMore = true;
            break;
          }
          changes.push(e.op === 'put' ? { entity: e.entity, op: 'put', id: e.id, data: structuredClone(e.data) } : { entity: e.entity, op: 'del', id: e.id });
          last = e;
        }
        nextCursors[scope] = last ? encodeCursor(String(last.xid), last.id) : (cursor ?? encodeCursor('0', ZERO_ID));
      }
      const page: PullResponse = {
        epoch: this.epoch,
        lastMutationId: this.clients.get(body.clientId) ?? 0,
        hasMore,
        cursors: nextCursors,
        dropScopes,
        changes,
      };
      this.overLink(jsonBytes(page));
      return page;
    });
  }

  /** Sizes of the requests that carried blob bytes: a whole photo, or each chunk of one. */
  readonly blobRequests: number[] = [];

  putBlob(sha256: string, data: Blob, contentType: string, chunkBytes = BLOB_CHUNK_BYTES): Promise<void> {
    this.calls.push({ kind: 'blob', body: sha256 });
    return this.wire(this.failBlob, async () => {
      // Chunks go one after another; the first that is too large for the link stops the upload.
      for (let at = 0; at < data.size; at += chunkBytes) {
        const size = Math.min(chunkBytes, data.size - at);
        this.blobRequests.push(size);
        this.overLink(size);
      }
      const actual = await sha256Hex(await data.arrayBuffer());
      if (actual !== sha256) throw new Error(`blob hash mismatch ${actual} ≠ ${sha256}`);
      this.blobs.set(sha256, { contentType, size: data.size });
    });
  }

  // ---- mutation handlers (just enough state to observe effects) ----

  private apply(m: Mutation): void {
    this.applied.push(structuredClone(m));
    const args = m.args as Record<string, unknown>;
    switch (m.name) {
      case 'visit.submit@1':
      case 'visit.amend@1': {
        const visit = args.visit as Row;
        if (!this.get('visit', visit.id)) this.put('visit', visit);
        break;
      }
      case 'case.open@1': {
        const c = args.case as Row;
        if (!this.get('case', c.id)) this.put('case', { ...c, version: 1 });
        break;
      }
      case 'subject.update@1':
      case 'place.update@1': {
        const entity = m.name === 'place.update@1' ? 'place' : 'subject';
        const row = this.get(entity, args.id as string);
        if (row) this.put(entity, { ...row, ...(args.patch as object), version: (row.version as number) + 1 });
        break;
      }
      case 'task.start@1': {
        const row = this.get('task', args.taskId as string);
        if (row) this.put('task', { ...row, status: 'in_progress', version: (row.version as number) + 1 });
        break;
      }
      default:
        break;
    }
  }
}

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

function compare(e: Entry, cursor: { xid: string; id: string }): number {
  return e.xid - Number(cursor.xid) || e.id.localeCompare(cursor.id);
}
