/** Every sync endpoint rejects malformed bodies with a 4xx and writes nothing (SPEC §9). */
import { describe, expect, it } from 'vitest';
import type { Visit } from '../../src/domain/entities';
import type { PushResponse } from '../../src/domain/sync';
import { backends, expectRejectsWithoutWrite, lastMutationIdOf, useContext } from './harness';
import { newClientId, pushRaw, signedVisit, submit } from './reliability/helpers';

describe.each(backends)('sync bad input on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);

  const json = (url: string, payload: string) => ({ method: 'POST' as const, url, headers: { ...worker.headers, 'content-type': 'application/json' }, payload });
  const m = { seq: 1, name: 'task.start@1', args: {}, at: '2025-05-12T02:00:00.000Z' };

  it.each([
    ['malformed JSON', '{"clientId":', 400, 'malformed_json'],
    ['an array', '[]', 400, 'validation_failed'],
    ['no mutations', JSON.stringify({ clientId: newClientId(), mutations: [] }), 400, 'validation_failed'],
    ['a bad client id', JSON.stringify({ clientId: 'abc', mutations: [m] }), 400, 'validation_failed'],
    ['a bad seq', JSON.stringify({ clientId: newClientId(), mutations: [{ ...m, seq: 0 }] }), 400, 'validation_failed'],
    ['a bad name', JSON.stringify({ clientId: newClientId(), mutations: [{ ...m, name: 'drop table' }] }), 400, 'validation_failed'],
    ['unknown fields', JSON.stringify({ clientId: newClientId(), mutations: [m], admin: true }), 400, 'validation_failed'],
    ['a device time in year 0000', JSON.stringify({ clientId: newClientId(), mutations: [{ ...m, at: '0000-01-01T00:00:00Z' }] }), 400, 'validation_failed'],
  ] as const)('push: %s', async (_n, payload, status, code) => {
    await expectRejectsWithoutWrite(ctx.app, json('/api/sync/push', payload), status, code);
  });

  it('push: a gap after what the server has for a known client is a 409 that writes nothing', async () => {
    // A client id the server has never seen may start at any seq (a device that rotated its id after a
    // server restore keeps numbering its outbox), so the gap is tested against a known client.
    const clientId = newClientId();
    const first = await ctx.app.inject(json('/api/sync/push', JSON.stringify({ clientId, mutations: [m] })));
    expect(first.statusCode).toBe(200);
    await expectRejectsWithoutWrite(ctx.app, json('/api/sync/push', JSON.stringify({ clientId, mutations: [{ ...m, seq: 5 }] })), 409, 'mutation_gap');
  });

  it.each([
    ['malformed JSON', '{', 400, 'malformed_json'],
    ['a bad cursor', JSON.stringify({ clientId: newClientId(), epoch: null, cursors: { global: 'x' } }), 400, 'validation_failed'],
    ['a bad scope key', JSON.stringify({ clientId: newClientId(), epoch: null, cursors: { 'grid:1': null } }), 400, 'validation_failed'],
    ['a limit too large', JSON.stringify({ clientId: newClientId(), epoch: null, cursors: {}, limit: 100000 }), 400, 'validation_failed'],
  ] as const)('pull: %s', async (_n, payload, status, code) => {
    await expectRejectsWithoutWrite(ctx.app, json('/api/sync/pull', payload), status, code);
  });

  // A rejected mutation keeps its arguments (mutation_result.args, jsonb): arguments jsonb cannot hold
  // must still be recorded, or the push would fail as a whole on every retry and wedge the queue.
  it('push: a mutation whose arguments jsonb cannot hold (a NUL character, deep nesting) is rejected, recorded, and the queue moves on', async () => {
    const clientId = newClientId();
    const placeId = ctx.county.dataset.places[1]!.id;
    const nul = await signedVisit(ctx, worker, { placeId, note: 'a\u0000b' });
    const good = await signedVisit(ctx, worker, { placeId });
    const res = await pushRaw(ctx, worker, clientId, [submit(1, nul), submit(2, good)]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<PushResponse>().results.map((r) => r.status)).toEqual(['rejected', 'applied']);

    const deep = '['.repeat(5000) + '1' + ']'.repeat(5000);
    const payload = `{"clientId":"${clientId}","mutations":[{"seq":3,"name":"visit.teleport@1","at":"2025-05-12T02:00:00.000Z","args":${deep}}]}`;
    const nested = await ctx.app.inject(json('/api/sync/push', payload));
    expect(nested.statusCode, nested.body).toBe(200);
    expect(nested.json<PushResponse>().results).toEqual([{ seq: 3, status: 'rejected', code: 'unknown_mutation', reason: expect.any(String) as string }]);
    expect(await lastMutationIdOf(ctx, clientId)).toBe(3);

    const kept = await ctx.db.kysely.selectFrom('mutation_result').select(['seq', 'args']).where('client_id', '=', clientId).orderBy('seq').execute();
    expect(kept.map((r) => Number(r.seq))).toEqual([1, 3]);
    expect((kept[0]!.args as { visit: Visit }).visit.note).toBe('a\uFFFDb');
    expect(JSON.stringify(kept[1]!.args)).toContain('嵌套过深');
  });

  it('push and pull need a session', async () => {
    await expectRejectsWithoutWrite(ctx.app, { method: 'POST', url: '/api/sync/push', payload: { clientId: newClientId(), mutations: [m] } }, 401, 'unauthenticated');
    await expectRejectsWithoutWrite(ctx.app, { method: 'POST', url: '/api/sync/pull', payload: { clientId: newClientId(), epoch: null, cursors: {} } }, 401, 'unauthenticated');
  });

  it('conflicts: bad query', async () => {
    const coord = await ctx.login('coord0');
    await expectRejectsWithoutWrite(ctx.app, { method: 'GET', url: '/api/sync/conflicts?limit=0', headers: coord.headers }, 400, 'validation_failed');
    await expectRejectsWithoutWrite(ctx.app, { method: 'GET', url: '/api/sync/conflicts?evil=1', headers: coord.headers }, 400, 'validation_failed');
  });
});
