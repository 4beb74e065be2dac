/**
 * Helpers of the sync suites: signed visits, push and pull through the HTTP API, and the caller of a
 * session for direct service calls (test-only mutation registries).
 */
import { expect } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { visitHash } from '../../../src/domain/canonical';
import type { Visit } from '../../../src/domain/entities';
import type { EntityName } from '../../../src/domain/enums';
import { rowScopes } from '../../../src/domain/scopes';
import { uuidv7 } from '../../../src/domain/ids';
import type { Change, Mutation, PullResponse, PushResponse } from '../../../src/domain/sync';
import { authenticate } from '../../../src/server/auth/service';
import type { Viewer } from '../../../src/server/scope/viewer';
import { makeVisit } from '../../factories';
import type { Session, TestContext } from '../harness';

export async function sign(v: Visit): Promise<Visit> {
  return { ...v, hash: await visitHash(v) };
}

/** A valid visit by `session`'s user at `placeId` (template of the small county), hash signed. */
export async function signedVisit(ctx: TestContext, session: Session, o: Partial<Visit> & { placeId: string }): Promise<Visit> {
  const templateId = ctx.county.dataset.templates[0]!.id;
  return sign(makeVisit({ templateId, inspectorIds: [session.userId], deviceId: session.deviceId, clockOffsetMs: null, ...o }));
}

let atCounter = 0;
export function mutation(seq: number, name: string, args: unknown): Mutation {
  return { seq, name, args, at: new Date(Date.UTC(2025, 4, 12, 2, 0, atCounter++ % 60)).toISOString() };
}

export const submit = (seq: number, visit: Visit) => mutation(seq, 'visit.submit@1', { visit });

export async function pushRaw(ctx: TestContext, s: Session, clientId: string, mutations: Mutation[], sentAt?: string) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/sync/push',
    headers: s.headers,
    payload: { clientId, mutations, ...(sentAt ? { sentAt } : {}) },
  });
}

export async function pushOk(ctx: TestContext, s: Session, clientId: string, mutations: Mutation[], sentAt?: string): Promise<PushResponse> {
  const res = await pushRaw(ctx, s, clientId, mutations, sentAt);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<PushResponse>();
}

export interface PullState {
  epoch: string | null;
  cursors: Record<string, string | null>;
  lastMutationId: number;
  /** Local replica: `entity:id` → data. */
  rows: Map<string, Record<string, unknown> | undefined>;
  scopes: Map<string, Set<string>>;
}

export function newPullState(): PullState {
  return { epoch: null, cursors: {}, lastMutationId: 0, rows: new Map(), scopes: new Map() };
}

export async function pullOnce(ctx: TestContext, s: Session, clientId: string, state: PullState, limit?: number): Promise<PullResponse> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/sync/pull',
    headers: s.headers,
    payload: { clientId, epoch: state.epoch, cursors: state.cursors, ...(limit ? { limit } : {}) },
  });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<PullResponse>();
  if (state.epoch !== null && body.epoch !== state.epoch) state.rows.clear();
  applyPull(state, body);
  return body;
}

export function applyPull(state: PullState, body: PullResponse): void {
  state.epoch = body.epoch;
  for (const k of body.dropScopes) delete state.cursors[k];
  for (const c of body.changes) applyChange(state, c);
  state.cursors = { ...state.cursors, ...body.cursors };
  state.lastMutationId = body.lastMutationId;
}

function applyChange(state: PullState, c: Change): void {
  const key = `${c.entity}:${c.id}`;
  if (c.op === 'del') state.rows.delete(key);
  else state.rows.set(key, c.data);
}

/** Pulls until `hasMore` is false; returns every change received. `purge`: drop lost scopes' rows as the device does. */
export async function pullAll(ctx: TestContext, s: Session, clientId: string, state: PullState, limit?: number, { purge = false } = {}): Promise<Change[]> {
  const all: Change[] = [];
  for (let i = 0; i < 1000; i++) {
    const body = await pullOnce(ctx, s, clientId, state, limit);
    if (purge) purgeDropped(state, body);
    all.push(...body.changes);
    if (!body.hasMore) return all;
  }
  throw new Error('pull did not converge');
}

/** The device's purge of dropped scopes (src/client/sync/apply.ts `purgeScopes`): rows of a dropped scope and of no scope held. */
function purgeDropped(state: PullState, body: PullResponse): void {
  if (body.dropScopes.length === 0) return;
  const dropped = new Set(body.dropScopes);
  const held = new Set(Object.keys(state.cursors));
  for (const [key, data] of [...state.rows]) {
    if (!data) continue;
    const scopes = rowScopes(key.slice(0, key.indexOf(':')) as EntityName, data);
    if (scopes.some((s) => dropped.has(s)) && !scopes.some((s) => held.has(s))) state.rows.delete(key);
  }
}

export function ids(state: PullState, entity: string): string[] {
  return [...state.rows.keys()].filter((k) => k.startsWith(`${entity}:`)).map((k) => k.slice(entity.length + 1)).sort();
}

/** The caller of a session, as a request would resolve it (for direct service calls). */
export async function viewerOf(ctx: TestContext, s: Session): Promise<Viewer> {
  return authenticate(ctx.db.kysely, { headers: s.headers } as unknown as FastifyRequest);
}

export const newClientId = () => uuidv7();

/** `pullAll` that also purges dropped scopes as the device does. */
export const pullAllPurging = (ctx: TestContext, s: Session, clientId: string, state: PullState, limit?: number) => pullAll(ctx, s, clientId, state, limit, { purge: true });
