/**
 * The scope matrix (SPEC §2, §9): every role × every list endpoint answers exactly the rows the domain
 * rule `canSee` allows — no more (nothing out of scope), no fewer — and the building manager never
 * sees a task, a subject, a ledger event, someone else's visit, or anything covert or unannounced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { canSee, type ScopeContext } from '../../src/domain/scopes';
import type { EntityName } from '../../src/domain/enums';
import { backends, setupContext, type Session, type TestContext } from './harness';

const ENDPOINTS: { url: string; entity: EntityName; key: keyof TestContext['county']['dataset'] }[] = [
  { url: '/api/regions', entity: 'region', key: 'regions' },
  { url: '/api/users', entity: 'user', key: 'users' },
  { url: '/api/places', entity: 'place', key: 'places' },
  { url: '/api/subjects', entity: 'subject', key: 'subjects' },
  { url: '/api/ledger-events', entity: 'ledgerEvent', key: 'ledgerEvents' },
  { url: '/api/tasks', entity: 'task', key: 'tasks' },
  { url: '/api/visits', entity: 'visit', key: 'visits' },
  { url: '/api/cases', entity: 'case', key: 'cases' },
];

const ROLES = ['admin', 'coord0', 'worker0', 'manager0'] as const;
/** Role-level refusals (403 whatever the data): documented in the routes. */
const FORBIDDEN: Record<string, string[]> = {
  worker0: ['/api/users'],
  manager0: ['/api/users', '/api/subjects', '/api/ledger-events', '/api/tasks'],
};

describe.each(backends)('scope matrix on %s', (backend) => {
  let ctx: TestContext;
  let scopeCtx: ScopeContext;
  const sessions = new Map<string, Session>();

  beforeAll(async () => {
    ctx = await setupContext(backend);
    const d = ctx.county.dataset;
    scopeCtx = { regions: d.regions, places: d.places, subjects: d.subjects };
    for (const u of ROLES) sessions.set(u, await ctx.login(u));
  });
  afterAll(() => ctx.close());

  async function listAll(url: string, s: Session): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const res: LightMyRequestResponse = await ctx.app.inject({ url, query: { limit: '3', ...(cursor ? { cursor } : {}) }, headers: s.headers });
      expect(res.statusCode, res.body).toBe(200);
      const page: { items: Record<string, unknown>[]; nextCursor: string | null } = res.json();
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  for (const username of ROLES) {
    for (const ep of ENDPOINTS) {
      it(`${username} ${ep.url}`, async () => {
        const s = sessions.get(username)!;
        const user = ctx.county.dataset.users.find((u) => u.username === username)!;
        if (FORBIDDEN[username]?.includes(ep.url)) {
          const res = await ctx.app.inject({ url: ep.url, headers: s.headers });
          expect(res.statusCode).toBe(403);
          expect(res.json<{ error: { code: string } }>().error.code).toBe('forbidden');
          return;
        }
        const items = await listAll(ep.url, s);
        const ids = items.map((i) => i.id as string);
        expect(new Set(ids).size, 'no duplicates across pages').toBe(ids.length);
        const all = ctx.county.dataset[ep.key] as unknown as Record<string, unknown>[];
        const expected = all.filter((row) => canSee(user, ep.entity, row, scopeCtx)).map((r) => r.id as string);
        expect([...ids].sort()).toEqual([...expected].sort());
        if (username !== 'manager0') expect(ids.length).toBeGreaterThan(0);
        for (const item of items) {
          expect(JSON.stringify(item)).not.toMatch(/password|scrypt/);
          if (username === 'manager0') {
            expect(item.style ?? 'open').toBe('open');
            expect(item.unannounced ?? false).toBe(false);
          }
        }
      });
    }
  }

  it('the building manager sees only their own open self-check and their own report, redacted', async () => {
    const s = sessions.get('manager0')!;
    const me = ctx.county.users.managers[0]!;
    const visits = await listAll('/api/visits', s);
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({ placeId: ctx.county.managedPlace.id, inspectorIds: [me.id], style: 'open', unannounced: false });
    const cases = await listAll('/api/cases', s);
    expect(cases).toHaveLength(1);
    expect(cases[0]!.reportedBy).toBe(me.id);
    expect(cases[0]!.visitId).toBeNull();
    expect(JSON.stringify(cases[0])).not.toContain('暗访');
    const places = await listAll('/api/places', s);
    expect(places.map((p) => p.id)).toEqual([ctx.county.managedPlace.id]);
    expect(places[0]!.note).toBeNull();
  });

  it('single rows outside the scope are 404, not 403', async () => {
    const worker = sessions.get('worker0')!;
    const farPlace = ctx.county.dataset.places.find((p) => p.gridId === ctx.county.grids[3]!.id)!;
    const res = await ctx.app.inject({ url: `/api/places/${farPlace.id}`, headers: worker.headers });
    expect(res.statusCode).toBe(404);
    const covert = ctx.county.dataset.visits.find((v) => v.style === 'covert' && v.placeId === ctx.county.managedPlace.id)!;
    const asManager = await ctx.app.inject({ url: `/api/visits/${covert.id}`, headers: sessions.get('manager0')!.headers });
    expect(asManager.statusCode).toBe(404);
    const missing = await ctx.app.inject({ url: '/api/visits/01900000-0000-7000-8000-000000000999', headers: sessions.get('manager0')!.headers });
    expect(asManager.body).toBe(missing.body);
  });

  it('subject detail carries its ledger; phones are masked below the county', async () => {
    const subject = ctx.county.dataset.subjects[0]!;
    const asWorker = await ctx.app.inject({ url: `/api/subjects/${subject.id}`, headers: sessions.get('worker0')!.headers });
    expect(asWorker.statusCode).toBe(200);
    const body = asWorker.json<{ phone: string; ledgerEvents: unknown[] }>();
    expect(body.ledgerEvents).toHaveLength(2);
    expect(body.phone).toBe('139****5678');
    const asAdmin = await ctx.app.inject({ url: `/api/subjects/${subject.id}`, headers: sessions.get('admin')!.headers });
    expect(asAdmin.json<{ phone: string }>().phone).toBe('13912345678');
  });

  it('grid workers never see the identity of a citizen reporter', async () => {
    const cases = await listAll('/api/cases', sessions.get('worker0')!);
    for (const c of cases.filter((x) => x.source === 'citizen_report')) {
      expect(c.trackingCode).toBeNull();
      expect(c.reportedBy).toBeNull();
    }
  });

  it('filters narrow lists in SQL', async () => {
    const admin = sessions.get('admin')!;
    const grid = ctx.county.grids[1]!;
    const res = await ctx.app.inject({ url: '/api/places', query: { gridId: grid.id, kind: 'cafe' }, headers: admin.headers });
    const items = res.json<{ items: { gridId: string; kind: string }[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ gridId: grid.id, kind: 'cafe' });
    const night = await ctx.app.inject({ url: '/api/tasks', query: { shift: 'night' }, headers: admin.headers });
    expect(night.json<{ items: { shift: string }[] }>().items.every((t) => t.shift === 'night')).toBe(true);
    const q = await ctx.app.inject({ url: '/api/places', query: { q: '100%_x' }, headers: admin.headers });
    expect(q.json<{ items: unknown[] }>().items).toEqual([]);
    const visits = await ctx.app.inject({ url: '/api/visits', query: { from: '2025-05-12T00:00:00+08:00', to: '2025-05-13T00:00:00+08:00', outcome: 'issue_found' }, headers: admin.headers });
    expect(visits.json<{ items: { outcome: string }[] }>().items.length).toBe(4);
  });

  it('visits come back exactly as submitted (their hash still applies)', async () => {
    const admin = sessions.get('admin')!;
    const v = ctx.county.dataset.visits[0]!;
    const res = await ctx.app.inject({ url: `/api/visits/${v.id}`, headers: admin.headers });
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(v)));
  });
});
