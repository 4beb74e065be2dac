import { beforeAll, describe, expect, it } from 'vitest';
import {
  caseSchema,
  checklistTemplateSchema,
  ledgerEventSchema,
  placeSchema,
  regionSchema,
  subjectSchema,
  taskSchema,
  userSchema,
  visitSchema,
  type Visit,
} from '../../src/domain/entities';
import {
  CASE_SOURCES,
  CASE_STATUSES,
  PLACE_KINDS,
  SUBJECT_CATEGORIES,
  TASK_ORGANIZATIONS,
  VISIT_OUTCOMES,
} from '../../src/domain/enums';
import { CHECKLIST_V1 } from '../../src/domain/checklist';
import { CASE_TRANSITIONS, deadlineFor } from '../../src/domain/cases';
import { selfCheckItems, validateAnswers } from '../../src/domain/rules';
import { visitHash } from '../../src/domain/canonical';
import { isValidCreditCode, MASKED_ID_RE } from '../../src/domain/validators';
import { UUID_RE } from '../../src/domain/ids';
import { generateDemoCounty } from '../../src/server/seed/demo';
import type { Dataset } from '../../src/server/seed/types';
import { pointInPolygon } from '../../src/domain/geo';

const NOW = new Date('2026-01-07T10:15:00+08:00');

let data: Dataset;
beforeAll(async () => {
  data = await generateDemoCounty({ now: NOW });
});

function localHhmm(at: string): string {
  return new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(11, 16);
}

describe('generateDemoCounty', () => {
  it('produces rows that all pass their schemas', () => {
    for (const r of data.regions) regionSchema.parse(r);
    for (const { password, ...u } of data.users) {
      expect(password).toBe('demo1234');
      userSchema.parse(u);
    }
    for (const t of data.templates) checklistTemplateSchema.parse(t);
    for (const p of data.places) placeSchema.parse(p);
    for (const s of data.subjects) subjectSchema.parse(s);
    for (const e of data.ledgerEvents) ledgerEventSchema.parse(e);
    for (const t of data.tasks) taskSchema.parse(t);
    for (const v of data.visits) visitSchema.parse(v);
    for (const c of data.cases) caseSchema.parse(c);
  });

  it('uses unique UUIDv7-shaped ids', () => {
    const ids = [
      ...data.regions,
      ...data.users,
      ...data.places,
      ...data.subjects,
      ...data.ledgerEvents,
      ...data.tasks,
      ...data.visits,
      ...data.cases,
    ].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(UUID_RE);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
  });

  it('is deterministic for a seed and the Shanghai day of now', async () => {
    const again = await generateDemoCounty({ now: NOW });
    expect(again).toEqual(data);
    const laterSameDay = await generateDemoCounty({ now: new Date('2026-01-07T23:59:00+08:00') });
    expect(laterSameDay).toEqual(data);
    const otherSeed = await generateDemoCounty({ now: NOW, seed: 7 });
    expect(otherSeed.places[0]!.id).not.toBe(data.places[0]!.id);
  });

  it('has the county, 3 townships, 9 communities and 24 grids in a tree', () => {
    const by = (level: string) => data.regions.filter((r) => r.level === level);
    const [county] = by('county');
    expect(by('county')).toHaveLength(1);
    expect(county!.name).toBe('示范县');
    expect(by('township').map((t) => t.name)).toEqual(['城关镇', '南关街道', '石桥镇']);
    expect(by('community')).toHaveLength(9);
    const grids = by('grid');
    expect(grids.map((g) => g.name)).toEqual(Array.from({ length: 24 }, (_, i) => `第${String(i + 1).padStart(2, '0')}网格`));
    const byId = new Map(data.regions.map((r) => [r.id, r]));
    for (const t of by('township')) expect(t.parentId).toBe(county!.id);
    for (const c of by('community')) expect(byId.get(c.parentId!)!.level).toBe('township');
    for (const g of grids) expect(byId.get(g.parentId!)!.level).toBe('community');
    // Grids 1–8 in township 1, 9–16 in township 2, 17–24 in township 3.
    grids.forEach((g, i) => {
      const township = byId.get(byId.get(g.parentId!)!.parentId!)!;
      expect(township).toBe(by('township')[Math.floor(i / 8)]);
    });
    for (const r of data.regions) {
      const ring = r.boundary!.coordinates[0]!;
      expect(ring[0]).toEqual(ring[ring.length - 1]);
    }
  });

  it('tiles the county with non-overlapping grid polygons around 27.70°N 106.93°E', () => {
    const grids = data.regions.filter((r) => r.level === 'grid');
    const county = data.regions.find((r) => r.level === 'county')!;
    const all = grids.flatMap((g) => g.boundary!.coordinates[0]!);
    const lngs = all.map((p) => p[0]);
    const lats = all.map((p) => p[1]);
    const [minLng, maxLng, minLat, maxLat] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
    expect((minLat + maxLat) / 2).toBeCloseTo(27.7, 2);
    expect((minLng + maxLng) / 2).toBeCloseTo(106.93, 2);
    let covered = 0;
    const N = 120;
    for (let i = 1; i < N; i++)
      for (let j = 1; j < N; j++) {
        const lng = minLng + ((maxLng - minLng) * i) / N;
        const lat = minLat + ((maxLat - minLat) * j) / N;
        const hits = grids.filter((g) => pointInPolygon(lng, lat, g.boundary!)).length;
        expect(hits).toBeLessThanOrEqual(1);
        if (pointInPolygon(lng, lat, county.boundary!)) {
          expect(hits).toBe(1);
          covered++;
        }
      }
    expect(covered).toBeGreaterThan(N * N * 0.8);
  });

  it('has ~600 places of every kind, each inside its grid', () => {
    expect(data.places.length).toBe(600);
    const grids = new Map(data.regions.filter((r) => r.level === 'grid').map((g) => [g.id, g]));
    for (const k of PLACE_KINDS) expect(data.places.some((p) => p.kind === k)).toBe(true);
    for (const p of data.places) {
      const g = grids.get(p.gridId);
      expect(g, p.name).toBeDefined();
      expect(pointInPolygon(p.lng, p.lat, g!.boundary!), `${p.name} inside ${g!.name}`).toBe(true);
      for (const other of grids.values()) if (other !== g) expect(pointInPolygon(p.lng, p.lat, other.boundary!)).toBe(false);
    }
    expect(new Set(data.places.map((p) => p.riskLevel)).size).toBe(3);
  });

  it('has every demo account', () => {
    const names = new Set(data.users.map((u) => u.username));
    const expected = [
      'admin',
      'coord1',
      'coord2',
      'coord3',
      ...Array.from({ length: 24 }, (_, i) => `grid${String(i + 1).padStart(2, '0')}`),
      ...Array.from({ length: 20 }, (_, i) => `bm${String(i + 1).padStart(2, '0')}`),
    ];
    for (const n of expected) expect(names.has(n), n).toBe(true);
    expect(names.has('grid01b')).toBe(true);
    const byName = new Map(data.users.map((u) => [u.username, u]));
    const regions = new Map(data.regions.map((r) => [r.id, r]));
    expect(byName.get('admin')!.role).toBe('county_admin');
    expect(regions.get(byName.get('admin')!.regionId)!.level).toBe('county');
    expect(regions.get(byName.get('coord2')!.regionId)!.name).toBe('南关街道');
    expect(regions.get(byName.get('grid07')!.regionId)!.name).toBe('第07网格');
    expect(regions.get(byName.get('bm01')!.regionId)!.name).toBe('第01网格');
    for (const u of data.users) {
      if (u.certified) expect(u.certificateNo).toBeTruthy();
      expect(u.phone).toMatch(/^1[3-9]\d{9}$/);
    }
    // Every building manager manages 1–3 places of their grid.
    for (const u of data.users.filter((x) => x.role === 'building_manager')) {
      const managed = data.places.filter((p) => p.managerIds.includes(u.id));
      expect(managed.length).toBeGreaterThanOrEqual(1);
      expect(managed.length).toBeLessThanOrEqual(3);
      for (const p of managed) expect(p.gridId).toBe(u.regionId);
    }
  });

  it("plans covert and unannounced tasks at bm01's buildings", () => {
    const bm01 = data.users.find((u) => u.username === 'bm01')!;
    const managed = new Set(data.places.filter((p) => p.managerIds.includes(bm01.id)).map((p) => p.id));
    expect(managed.size).toBeGreaterThan(0);
    const touching = data.tasks.filter((t) => t.placeIds.some((id) => managed.has(id)));
    expect(touching.some((t) => t.style === 'covert')).toBe(true);
    expect(touching.some((t) => t.unannounced)).toBe(true);
    expect(touching.some((t) => t.style === 'covert' && t.status === 'assigned')).toBe(true);
    const covertVisits = data.visits.filter((v) => managed.has(v.placeId) && (v.style === 'covert' || v.unannounced));
    expect(covertVisits.length).toBeGreaterThan(0);
    for (const v of covertVisits) expect(v.inspectorIds).not.toContain(bm01.id);
  });

  it('has ~150 subjects of every category with valid codes and a consistent ledger', () => {
    expect(data.subjects.length).toBe(150);
    for (const c of SUBJECT_CATEGORIES) expect(data.subjects.some((s) => s.category === c)).toBe(true);
    const places = new Map(data.places.map((p) => [p.id, p]));
    for (const s of data.subjects) {
      if (s.kind === 'institution') {
        expect(isValidCreditCode(s.creditCode!), s.creditCode!).toBe(true);
        expect(s.idNumberMasked ?? null).toBeNull();
      } else {
        expect(s.idNumberMasked).toMatch(MASKED_ID_RE);
        expect(s.idNumberMasked!.startsWith('5203')).toBe(true);
      }
      for (const pid of s.placeIds) expect(places.get(pid)!.gridId).toBe(s.gridId);
      const events = data.ledgerEvents.filter((e) => e.subjectId === s.id);
      expect(events[0]!.action).toBe('list');
      expect(events[0]!.at).toBe(s.listedAt);
      let status: unknown = null;
      let risk: unknown = null;
      let prevAt = '';
      for (const e of events) {
        expect(e.at >= prevAt).toBe(true);
        prevAt = e.at;
        if (e.diff.status) {
          expect(e.diff.status.from).toBe(status);
          status = e.diff.status.to;
        }
        if (e.diff.riskLevel) {
          expect(e.diff.riskLevel.from).toBe(risk);
          risk = e.diff.riskLevel.to;
        }
      }
      expect(status).toBe(s.status);
      expect(risk).toBe(s.riskLevel);
      expect(s.version).toBe(events.length);
      if (s.status === 'delisted') {
        expect(s.delistedReason).toBeTruthy();
        expect(s.delistedAt).toBe(events[events.length - 1]!.at);
      } else expect(s.delistedAt ?? null).toBeNull();
    }
    expect(data.subjects.some((s) => s.status === 'delisted')).toBe(true);
    expect(data.ledgerEvents.some((e) => e.action === 'relist')).toBe(true);
  });

  it('has a week of consistent tasks', () => {
    expect(data.tasks.length).toBeGreaterThan(150);
    for (const o of TASK_ORGANIZATIONS) expect(data.tasks.some((t) => t.organization === o)).toBe(true);
    for (const st of ['assigned', 'in_progress', 'done', 'cancelled'] as const)
      expect(data.tasks.some((t) => t.status === st)).toBe(true);
    const users = new Map(data.users.map((u) => [u.id, u]));
    const places = new Map(data.places.map((p) => [p.id, p]));
    const regions = new Map(data.regions.map((r) => [r.id, r]));
    for (const t of data.tasks) {
      expect(t.placeIds.length).toBeGreaterThanOrEqual(1);
      expect(t.placeIds.length).toBeLessThanOrEqual(8);
      for (const pid of t.placeIds) expect(places.get(pid)!.gridId).toBe(t.gridId);
      const assignees = t.assigneeIds.map((id) => users.get(id)!);
      for (const a of assignees) {
        expect(a.role).toBe('grid_worker');
        expect(a.regionId).toBe(t.gridId);
      }
      if (t.organization === 'joint' || t.organization === 'spot')
        expect(assignees.filter((a) => a.certified).length).toBeGreaterThanOrEqual(2);
      if (t.organization === 'joint') expect(t.departments.length).toBeGreaterThan(0);
      if (t.organization === 'spot') {
        expect(t.draw).toBeTruthy();
        for (const pid of t.placeIds) expect(t.draw!.placePool).toContain(pid);
        for (const aid of t.assigneeIds) expect(t.draw!.inspectorPool).toContain(aid);
      }
      const creator = users.get(t.createdBy)!;
      expect(creator.role).toBe('township_coordinator');
      expect(creator.regionId).toBe(t.townshipId);
      expect(regions.get(regions.get(t.gridId)!.parentId!)!.parentId).toBe(t.townshipId);
      const [start, end] = [localHhmm(t.windowStart), localHhmm(t.windowEnd)];
      if (t.shift === 'night') expect([start, end]).toEqual(['18:00', '22:00']);
      else expect(start < '18:00' && end <= '18:00').toBe(true);
      expect(t.dueAt).toBe(t.windowEnd);
      if (t.caseId) expect(data.cases.find((c) => c.id === t.caseId)!.gridId).toBe(t.gridId);
    }
    expect(data.tasks.some((t) => t.shift === 'night' && t.style === 'covert' && t.unannounced)).toBe(true);
  });

  it('gives every grid worker an open task for the day the demo is seeded, whatever the day', async () => {
    // 2026-12-07 drew no task for grid01; the others are a plain week around it.
    for (const day of ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-12', '2026-12-13']) {
      const now = new Date(`${day}T09:00:00+08:00`);
      const county = await generateDemoCounty({ now });
      const todayEnd = Date.parse(`${day}T23:59:59+08:00`);
      const todayStart = Date.parse(`${day}T00:00:00+08:00`);
      for (const worker of county.users.filter((u) => u.role === 'grid_worker')) {
        const today = county.tasks.filter(
          (t) => t.assigneeIds.includes(worker.id) && Date.parse(t.windowStart) >= todayStart && Date.parse(t.windowStart) <= todayEnd,
        );
        expect(
          today.some((t) => t.status === 'assigned' || t.status === 'in_progress'),
          `${worker.username} has work on ${day}`,
        ).toBe(true);
      }
    }
  });

  it('has visits with valid answers and every outcome', () => {
    expect(data.visits.length).toBeGreaterThan(500);
    for (const o of VISIT_OUTCOMES) expect(data.visits.some((v) => v.outcome === o)).toBe(true);
    const users = new Map(data.users.map((u) => [u.id, u]));
    const places = new Map(data.places.map((p) => [p.id, p]));
    const tasks = new Map(data.tasks.map((t) => [t.id, t]));
    const kCodes = new Set(selfCheckItems(CHECKLIST_V1).map((i) => i.code));
    const end = NOW.getTime();
    for (const v of data.visits) {
      const place = places.get(v.placeId)!;
      expect(Date.parse(v.endedAt)).toBeLessThan(end);
      expect(v.startedAt <= v.endedAt).toBe(true);
      expect(v.templateId).toBe(CHECKLIST_V1.id);
      const inspector = users.get(v.inspectorIds[0]!)!;
      if (inspector.role === 'building_manager') {
        expect(place.managerIds).toContain(inspector.id);
        expect(v.style).toBe('open');
        expect(v.unannounced).toBe(false);
        expect(v.taskId ?? null).toBeNull();
        for (const a of v.answers) expect(kCodes.has(a.itemCode)).toBe(true);
        // A self-check answers section K only; A1 is not asked of building managers.
        expect(v.selfCheck).toBe(true);
        const ctx = { placeKind: place.kind, shift: v.shift, selfCheck: true };
        expect(validateAnswers(CHECKLIST_V1, ctx, v.answers, v.outcome, v.findings)).toEqual([]);
      } else {
        const problems = validateAnswers(CHECKLIST_V1, { placeKind: place.kind, shift: v.shift }, v.answers, v.outcome, v.findings);
        expect(problems, v.id).toEqual([]);
      }
      if (v.taskId) {
        const t = tasks.get(v.taskId)!;
        expect(t.status).toBe('done');
        expect(t.placeIds).toContain(v.placeId);
        expect(v.inspectorIds).toEqual(t.assigneeIds);
        expect([v.shift, v.style, v.unannounced, v.organization]).toEqual([t.shift, t.style, t.unannounced, t.organization]);
      }
    }
    expect(data.visits.some((v) => v.answers.some((a) => a.itemCode === 'A1' && a.value === true))).toBe(true);
    expect(data.visits.some((v) => v.amendsVisitId)).toBe(true);
  });

  it("chains each device's visits by hash", async () => {
    const byDevice = new Map<string, Visit[]>();
    for (const v of data.visits) byDevice.set(v.deviceId, [...(byDevice.get(v.deviceId) ?? []), v]);
    expect(byDevice.has('demo-grid01')).toBe(true);
    expect(byDevice.has('demo-bm01')).toBe(true);
    for (const list of byDevice.values()) {
      list.sort((a, b) => a.endedAt.localeCompare(b.endedAt) || a.id.localeCompare(b.id));
      let prev: string | null = null;
      for (const v of list) {
        expect(v.prevHash).toBe(prev);
        expect(await visitHash(v)).toBe(v.hash);
        prev = v.hash;
      }
    }
  });

  it('has cases in every state from every source with legal histories', () => {
    for (const s of CASE_STATUSES) expect(data.cases.some((c) => c.status === s), s).toBe(true);
    for (const src of CASE_SOURCES) {
      const mine = data.cases.filter((c) => c.source === src);
      expect(new Set(mine.map((c) => c.status)).size, src).toBe(CASE_STATUSES.length);
    }
    const users = new Map(data.users.map((u) => [u.id, u]));
    const visits = new Map(data.visits.map((v) => [v.id, v]));
    for (const c of data.cases) {
      const [open, ...rest] = c.events;
      expect(open!.action).toBe('open');
      expect(open!.to).toBe('pending_verification');
      expect(open!.at).toBe(c.reportedAt);
      let status = open!.to!;
      let at = open!.at;
      for (const e of rest) {
        expect(e.action).toBe('transition');
        expect(CASE_TRANSITIONS[status], `${status} → ${e.to}`).toContain(e.to);
        expect(e.at >= at).toBe(true);
        expect(e.evidence).toEqual([]);
        status = e.to!;
        at = e.at;
      }
      expect(status).toBe(c.status);
      expect(c.deadlineAt).toBe(deadlineFor(c.status, at));
      expect(Date.parse(at)).toBeLessThan(NOW.getTime());
      if (c.publishable) expect(c.status).toBe('closed');
      if (c.source === 'citizen_report') {
        expect(c.trackingCode).toBeTruthy();
        expect(c.reportedBy ?? null).toBeNull();
      } else expect(c.reportedBy).toBeTruthy();
      if (c.source === 'building_manager') expect(users.get(c.reportedBy!)!.role).toBe('building_manager');
      if (c.source === 'patrol') {
        const v = visits.get(c.visitId!)!;
        expect(v.placeId).toBe(c.placeId);
        expect(v.inspectorIds).toContain(c.reportedBy);
      }
    }
    expect(data.cases.some((c) => c.publishable)).toBe(true);
    const codes = data.cases.map((c) => c.trackingCode).filter(Boolean);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('scales places, subjects, tasks and visits', async () => {
    const t0 = performance.now();
    const big = await generateDemoCounty({ now: NOW, scale: 2 });
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(big.places.length).toBe(1200);
    expect(big.subjects.length).toBe(300);
    expect(big.tasks.length).toBeGreaterThan(data.tasks.length * 1.6);
    expect(big.visits.length).toBeGreaterThan(data.visits.length * 1.6);
    const grids = new Map(big.regions.filter((r) => r.level === 'grid').map((g) => [g.id, g]));
    for (const p of big.places) expect(pointInPolygon(p.lng, p.lat, grids.get(p.gridId)!.boundary!)).toBe(true);
  });
});
