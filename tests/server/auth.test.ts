import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { meResponseSchema, healthResponseSchema } from '../../src/domain/api';
import { backends, setupContext, type TestContext } from './harness';
import { TEST_PASSWORD } from '../factories';

describe.each(backends)('auth on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await setupContext(backend);
  });
  afterAll(() => ctx.close());

  const loginAs = (username: string, password: string, ip: string, deviceId = 'device-abc-123') =>
    ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, deviceId }, remoteAddress: ip });

  it('logs in and returns token, expiry and the public user', async () => {
    const res = await loginAs('worker0', TEST_PASSWORD, '10.1.0.1');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ token: string; expiresAt: string; user: Record<string, unknown> }>();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 700 * 3600_000);
    expect(body.user.username).toBe('worker0');
    expect(JSON.stringify(body)).not.toMatch(/password|scrypt/);
    const stored = await ctx.db.kysely.selectFrom('sessions').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(body.token);
  });

  it('answers unknown user and wrong password the same way', async () => {
    const a = await loginAs('worker0', 'wrong-password', '10.1.0.2');
    const b = await loginAs('nobody', 'wrong-password', '10.1.0.2');
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
    expect(a.json<{ error: { code: string } }>().error.code).toBe('invalid_credentials');
  });

  it('rate-limits a username after 5 failures in 15 minutes, even with the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await loginAs('worker1', 'nope', `10.2.0.${i}`)).statusCode).toBe(401);
    const limited = await loginAs('worker1', TEST_PASSWORD, '10.2.1.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json<{ error: { code: string } }>().error.code).toBe('rate_limited');
    // Failures older than the window no longer count.
    await sql`UPDATE login_attempts SET at = now() - interval '16 minutes' WHERE username = 'worker1'`.execute(ctx.db.kysely);
    expect((await loginAs('worker1', TEST_PASSWORD, '10.2.1.1')).statusCode).toBe(200);
  });

  it('rate-limits an IP after 20 failures', async () => {
    for (let i = 0; i < 20; i++) expect((await loginAs(`ghost${i}`, 'nope', '10.3.0.1')).statusCode).toBe(401);
    expect((await loginAs('worker2', TEST_PASSWORD, '10.3.0.1')).statusCode).toBe(429);
    expect((await loginAs('worker2', TEST_PASSWORD, '10.3.0.2')).statusCode).toBe(200);
  });

  it('binds the session to the device id', async () => {
    const s = await ctx.login('worker3');
    expect((await ctx.app.inject({ url: '/api/me', headers: s.headers })).statusCode).toBe(200);
    const other = await ctx.app.inject({ url: '/api/me', headers: { ...s.headers, 'x-device-id': 'another-device' } });
    expect(other.statusCode).toBe(401);
    const none = await ctx.app.inject({ url: '/api/me', headers: { authorization: s.headers.authorization! } });
    expect(none.statusCode).toBe(401);
  });

  it('rejects missing, malformed and unknown tokens', async () => {
    for (const authorization of [undefined, 'Bearer', 'Basic abc', `Bearer ${'x'.repeat(43)}`]) {
      const res = await ctx.app.inject({ url: '/api/me', headers: { ...(authorization ? { authorization } : {}), 'x-device-id': 'device-abc-123' } });
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('unauthenticated');
    }
  });

  it('logout revokes the session', async () => {
    const s = await ctx.login('coord0');
    const out = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    expect(out.statusCode).toBe(204);
    expect((await ctx.app.inject({ url: '/api/me', headers: s.headers })).statusCode).toBe(401);
    const audit = await ctx.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'auth.logout').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('expired sessions are refused', async () => {
    const s = await ctx.login('coord1');
    await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE device_id = ${s.deviceId}`.execute(ctx.db.kysely);
    const res = await ctx.app.inject({ url: '/api/me', headers: s.headers });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('session_expired');
  });

  it('requests arriving together are read together, each as its own caller; a revoked one among them is refused', async () => {
    const names = ['admin', 'coord0', 'worker0', 'manager0', 'worker1'] as const;
    const sessions = await Promise.all(names.map((n) => ctx.login(n)));
    const revoked = await ctx.login('coord1');
    await sql`UPDATE sessions SET revoked_at = now() WHERE device_id = ${revoked.deviceId}`.execute(ctx.db.kysely);
    // Sent in the same turn of the event loop: one batch (util/batch.ts), twice over for worker0.
    const all = [...sessions, sessions[2]!, revoked];
    const res = await Promise.all(all.map((s) => ctx.app.inject({ url: '/api/me', headers: s.headers })));
    expect(res.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200, 401]);
    const me = res.slice(0, -1).map((r) => meResponseSchema.parse(r.json()));
    expect(me.map((m) => m.user.username)).toEqual([...names, 'worker0']);
    expect(me.map((m) => m.regionPath.length)).toEqual([1, 2, 4, 4, 4, 4]);
    expect(me[3]!.regionPath.at(-1)!.id).toBe(me[3]!.region.id);
  });

  it.each([
    ['admin', 'county_admin', 'county', 1],
    ['coord0', 'township_coordinator', 'township', 2],
    ['worker0', 'grid_worker', 'grid', 4],
    ['manager0', 'building_manager', 'grid', 4],
  ])('/api/me for %s', async (username, role, level, depth) => {
    const s = await ctx.login(username);
    const res = await ctx.app.inject({ url: '/api/me', headers: s.headers });
    expect(res.statusCode).toBe(200);
    const me = meResponseSchema.parse(res.json());
    expect(me.role).toBe(role);
    expect(me.region.level).toBe(level);
    expect(me.regionPath).toHaveLength(depth);
    expect(me.regionPath[0]!.level).toBe('county');
    expect(me.regionPath.at(-1)!.id).toBe(me.region.id);
    expect(res.body).not.toMatch(/password|scrypt/);
  });

  it('health reports version, backend and epoch', async () => {
    const res = await ctx.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const h = healthResponseSchema.parse(res.json());
    expect(h).toMatchObject({ ok: true, version: '0.1.0', db: backend });
    expect(h.epoch).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers on every response, errors included', async () => {
    for (const url of ['/api/health', '/api/nope', '/api/me']) {
      const res = await ctx.app.inject({ url });
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain('img-src \'self\' blob: data:');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['permissions-policy']).toContain('geolocation=(self)');
      expect(res.headers['permissions-policy']).toContain('camera=(self)');
    }
  });

  it('unknown API routes are JSON 404s', async () => {
    const res = await ctx.app.inject({ url: '/api/nope', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: '未找到' } });
  });
});
