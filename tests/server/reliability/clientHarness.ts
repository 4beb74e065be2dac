/**
 * The client half of the reliability suite: the REAL client code (Dexie on fake-indexeddb, the sync
 * engine, the HTTP transport) against the REAL server (the Fastify app on the harness database,
 * listening on 127.0.0.1), with faults injected at the boundary between them — in `fetch`, where a
 * browser would see them:
 *
 * - `before`:    the request never leaves the device (offline);
 * - `after`:     the server handled (and committed) the request, the response is lost;
 * - `midstream`: the response starts arriving and the connection breaks in the middle of the body;
 * - `hold`:      the request is sent, but its response is delivered only when the test releases it
 *                (to let a newer request overtake it);
 * - `mangle`:    the request body is rewritten before sending (reordered or holed batches).
 *
 * Every device has its own IndexedDB factory, so each test's databases are fresh; two "tabs" or a
 * "reload" share a factory (and so the database of the same name).
 */
import { expect } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { GridPatrolDB, ENTITY_TABLES } from '../../../src/client/db/database';
import { createSyncEngine, type LockManagerLike, type SyncEngine, type SyncResult } from '../../../src/client/sync/engine';
import { createHttpTransport } from '../../../src/client/sync/transport';
import type { VisitDraft } from '../../../src/client/db/repositories';
import type { EntityName } from '../../../src/domain/enums';
import { uuidv7 } from '../../../src/domain/ids';
import type { PullResponse } from '../../../src/domain/sync';
import { makeVisit } from '../../factories';
import { setupContext, type BackendName, type Session, type TestContext } from '../harness';

export type Endpoint = 'push' | 'pull' | 'blob';

export interface Fault {
  on: Endpoint;
  kind: 'before' | 'after' | 'midstream' | 'hold' | 'mangle';
  /** For `hold`: resolves when the held response may be delivered. */
  release?: Promise<void>;
  /** For `hold`: called once the server has answered (the response is then held). */
  onHeld?: () => void;
  /** For `mangle`: rewrites the JSON body. */
  mangle?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Only requests this accepts take the fault (default: the next request to the endpoint). */
  when?: (request: { method: string; range?: string }) => boolean;
}

export interface Traffic {
  endpoint: Endpoint;
  method: string;
  /** The `Content-Range` of a chunk of a resumable upload. */
  range?: string;
  body?: unknown;
  status?: number;
  /** The server's answer (JSON), also when the fault kept it from the device. */
  response?: unknown;
  fault?: Fault['kind'];
}

function endpointOf(url: string): Endpoint | null {
  if (url.includes('/api/sync/push')) return 'push';
  if (url.includes('/api/sync/pull')) return 'pull';
  if (url.includes('/api/blobs/')) return 'blob';
  return null;
}

/** A fetch that consumes one queued fault per matching request, and records every request. */
export function faultyFetch(faults: Fault[], traffic: Traffic[]): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const endpoint = endpointOf(url);
    const method = init?.method ?? 'GET';
    const range = (init?.headers as Record<string, string> | undefined)?.['content-range'];
    const index = endpoint ? faults.findIndex((f) => f.on === endpoint && (!f.when || f.when({ method, range }))) : -1;
    const fault = index >= 0 ? faults.splice(index, 1)[0] : undefined;
    let body = init?.body;
    const headers = { ...(init?.headers as Record<string, string> | undefined) };
    let parsedBody: unknown;
    // A push goes gzip-compressed when it is large (transport.ts): read it as the server will.
    const sent =
      typeof body === 'string'
        ? body
        : headers['content-encoding'] === 'gzip' && body instanceof Blob
          ? await new Response(body.stream().pipeThrough(new DecompressionStream('gzip'))).text()
          : undefined;
    if (sent !== undefined) {
      parsedBody = JSON.parse(sent);
      if (fault?.kind === 'mangle') {
        parsedBody = fault.mangle!(parsedBody as Record<string, unknown>);
        body = JSON.stringify(parsedBody);
        delete headers['content-encoding'];
      }
    }
    const t: Traffic = { endpoint: endpoint ?? 'push', method, ...(range ? { range } : {}), body: parsedBody, ...(fault ? { fault: fault.kind } : {}) };
    if (endpoint) traffic.push(t);
    if (fault?.kind === 'before') throw new TypeError('fetch failed (injected: offline)');
    const response = await fetch(input, { ...init, headers, body });
    t.status = response.status;
    const parse = (text: string) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    };
    if (!fault || fault.kind === 'mangle') {
      if (endpoint === 'push') t.response = parse(await response.clone().text());
      return response;
    }
    const text = await response.text();
    if (endpoint === 'push') t.response = parse(text);
    if (fault.kind === 'after') throw new TypeError('fetch failed (injected: response lost)');
    if (fault.kind === 'hold') {
      fault.onHeld?.();
      await fault.release;
      return new Response(text, { status: response.status, headers: response.headers });
    }
    // midstream: half the body, then the connection breaks.
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, Math.floor(bytes.length / 2)));
        controller.error(new TypeError('terminated (injected: connection reset)'));
      },
    });
    return new Response(stream, { status: response.status, headers: response.headers });
  };
}

export interface Device {
  username: string;
  session: Session;
  factory: IDBFactory;
  db: GridPatrolDB;
  engine: SyncEngine;
  /** Faults for the next requests of this device, consumed in order per endpoint. */
  faults: Fault[];
  traffic: Traffic[];
  sync(): Promise<SyncResult>;
  /** Syncs until a cycle succeeds with an empty outbox (bounded). */
  settle(): Promise<void>;
  /** A reload: the page's connection is dropped, a new database connection and engine take over. */
  reload(): Promise<Device>;
  /** A second tab: another connection to the same database, with its own engine. */
  tab(options?: { locks?: LockManagerLike | null }): Device;
  visitDraft(o?: Partial<VisitDraft>): VisitDraft;
  close(): void;
}

/** The test context (database, seeded county, app), its app listening on `baseUrl`, and devices. */
export interface ClientWorld extends TestContext {
  baseUrl: string;
  /** A signed-in device with a fresh local database (nothing synced yet). */
  device(username: string, options?: { deviceId?: string; locks?: LockManagerLike | null }): Promise<Device>;
  userId(username: string): string;
  /** What the server holds for `username`, as a fresh full pull shows it: `entity:id` → row. */
  serverView(session: Session): Promise<Map<string, Record<string, unknown>>>;
}

/** A signed-in device that has synced once (its initial snapshot). */
export async function syncedDevice(w: ClientWorld, username: string, options: Parameters<ClientWorld['device']>[1] = {}): Promise<Device> {
  const d = await w.device(username, options);
  await d.sync();
  return d;
}

/** Locks that lock nothing: two tabs of a browser without Web Locks. */
export const noLocks: LockManagerLike = { request: (_name, callback) => callback() };

export async function startClientWorld(backend: BackendName): Promise<ClientWorld> {
  const ctx = await setupContext(backend);
  const { app, county } = ctx;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const devices: Device[] = [];

  const userId = (username: string) => {
    const u = county.dataset.users.find((x) => x.username === username);
    if (!u) throw new Error(`no user ${username}`);
    return u.id;
  };

  function makeDevice(username: string, session: Session, factory: IDBFactory, locks: LockManagerLike | null): Device {
    const db = new GridPatrolDB(session.userId, { indexedDB: factory, IDBKeyRange });
    const faults: Fault[] = [];
    const traffic: Traffic[] = [];
    const transport = createHttpTransport(baseUrl, () => ({ token: session.token, deviceId: session.deviceId }), faultyFetch(faults, traffic));
    const engine = createSyncEngine({ db, transport, locks, windowTarget: null, documentTarget: null });
    const templateId = county.dataset.templates[0]!.id;
    const device: Device = {
      username,
      session,
      factory,
      db,
      engine,
      faults,
      traffic,
      sync: () => engine.syncOnce(),
      async settle() {
        for (let i = 0; i < SETTLE_ATTEMPTS; i++) {
          try {
            await engine.syncOnce();
            if ((await db.outbox.count()) === 0) return;
          } catch {
            // a fault injected for this attempt; the next one goes through
          }
          await pause();
        }
        throw new Error(`${username}: the outbox did not drain: ${JSON.stringify(await db.outbox.toArray())}`);
      },
      async reload() {
        engine.stop();
        db.close();
        const next = makeDevice(username, session, factory, locks);
        devices.push(next);
        await next.db.open();
        return next;
      },
      tab(options = {}) {
        const next = makeDevice(username, session, factory, options.locks === undefined ? locks : options.locks);
        devices.push(next);
        return next;
      },
      visitDraft(o = {}) {
        const place = county.dataset.places.find((p) => p.gridId === county.dataset.users.find((u) => u.id === session.userId)!.regionId)!;
        const { hash: _h, prevHash: _p, ...draft } = makeVisit({
          placeId: place.id,
          inspectorIds: [session.userId],
          templateId,
          deviceId: session.deviceId,
          clockOffsetMs: null,
        });
        return { ...draft, ...o };
      },
      close() {
        engine.stop();
        db.close();
      },
    };
    return device;
  }

  return {
    ...ctx,
    baseUrl,
    userId,
    async device(username, options = {}) {
      const session = await ctx.login(username, options.deviceId);
      const d = makeDevice(username, session, new IDBFactory(), options.locks === undefined ? null : options.locks);
      devices.push(d);
      return d;
    },
    async serverView(session) {
      const rows = new Map<string, Record<string, unknown>>();
      let cursors: Record<string, string | null> = {};
      let epoch: string | null = null;
      const clientId = uuidv7();
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${baseUrl}/api/sync/pull`, {
          method: 'POST',
          headers: { ...session.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ clientId, epoch, cursors }),
        });
        expect(res.status).toBe(200);
        const page = (await res.json()) as PullResponse;
        epoch = page.epoch;
        for (const c of page.changes) {
          if (c.op === 'del') rows.delete(`${c.entity}:${c.id}`);
          else rows.set(`${c.entity}:${c.id}`, { ...c.data, id: c.id });
        }
        cursors = { ...cursors, ...page.cursors };
        if (!page.hasMore) return rows;
      }
      throw new Error('server view did not converge');
    },
    async close() {
      for (const d of devices) d.close();
      await ctx.close();
    },
  };
}

/** Every synced row on the device: `entity:id` → row. */
export async function localView(db: GridPatrolDB): Promise<Map<string, Record<string, unknown>>> {
  const rows = new Map<string, Record<string, unknown>>();
  for (const [entity, table] of Object.entries(ENTITY_TABLES) as [EntityName, string][]) {
    for (const row of await db.table(table).toArray()) rows.set(`${entity}:${(row as { id: string }).id}`, row as Record<string, unknown>);
  }
  return rows;
}

/**
 * The invariant of every case: the device has nothing left to send, and its tables equal what the
 * server shows this user (no row missing, none extra, none different).
 */
/**
 * What a push committed reaches pulls once every older transaction on the PostgreSQL server has ended
 * (the xid horizon, SPEC §8); other test files' transactions on the same server can hold it back for a
 * moment. Until then the device keeps its acknowledged entries. Syncs again, as the device's own
 * triggers would, while only acknowledged entries wait (bounded); an unacknowledged one is a failure
 * the caller's assertions report.
 */
export async function syncPastHorizon(device: Device, done: () => Promise<boolean> = () => Promise.resolve(true)): Promise<void> {
  for (let i = 0; i < SETTLE_ATTEMPTS; i++) {
    const waiting = await device.db.outbox.where('acked').equals(1).count();
    if (waiting === 0 && (await done())) return;
    await pause();
    await device.sync();
  }
}

const SETTLE_ATTEMPTS = 40;
const pause = () => new Promise((resolve) => setTimeout(resolve, 50));

export async function expectConverged(world: ClientWorld, device: Device): Promise<void> {
  await syncPastHorizon(device);
  expect(await device.db.outbox.toArray()).toEqual([]);
  expect(await device.db.shadows.toArray()).toEqual([]);
  const server = await world.serverView(device.session);
  const local = await localView(device.db);
  expect([...local.keys()].sort()).toEqual([...server.keys()].sort());
  for (const [key, row] of server) expect(local.get(key), key).toEqual(row);
}

/**
 * Every answer the server gave to pushes of `clientId` (from any of `devices`, delivered or lost):
 * seq → the statuses, in order. Exactly once means one `applied` (or `rejected`), then duplicates.
 */
export function answersOf(clientId: string, ...devices: Device[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const d of devices) {
    for (const t of d.traffic) {
      if (t.endpoint !== 'push' || (t.body as { clientId?: string }).clientId !== clientId) continue;
      const results = (t.response as { results?: { seq: number; status: string }[] } | undefined)?.results ?? [];
      for (const r of results) out.set(r.seq, [...(out.get(r.seq) ?? []), r.status]);
    }
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

/** Each of `seqs` answered `status` exactly once; every other answer to it was `duplicate`. */
export function expectOnce(answers: Map<number, string[]>, seqs: number[], status: 'applied' | 'rejected' = 'applied'): void {
  for (const seq of seqs) {
    const got = answers.get(seq) ?? [];
    // (Answers are listed in request order; two tabs without locks race, so only the count matters.)
    expect(got.filter((s) => s !== 'duplicate'), `seq ${seq}: ${got.join(',')}`).toEqual([status]);
  }
}
