import { describe, expect, it } from 'vitest';
import {
  CASE_TRANSITIONS,
  canTransition,
  caseOpening,
  caseOpeningRefusal,
  mayMoveCaseTo,
  closingNote,
  deadlineFor,
  isOverdue,
  newCase,
  publicStatus,
  transitionCase,
} from '../../src/domain/cases';
import { caseSchema, type Case } from '../../src/domain/entities';
import { CASE_SOURCES, CASE_STATUSES, type CaseStatus } from '../../src/domain/enums';

const WORKER = '01900000-0000-7000-8000-0000000000a1';
const COORD = '01900000-0000-7000-8000-0000000000a2';
const GRID = '01900000-0000-7000-8000-0000000000b1';
const TOWN = '01900000-0000-7000-8000-0000000000b2';
const PHOTO = 'c'.repeat(64);

function opened(): Case {
  return newCase({
    source: 'patrol',
    gridId: GRID,
    townshipId: TOWN,
    summary: '居民楼内疑似一对多数学培训',
    reportedAt: '2026-03-11T20:00:00+08:00',
    by: WORKER,
    categories: ['time'],
    evidence: [PHOTO],
  });
}

function walk(c: Case, path: CaseStatus[]): Case {
  let cur = c;
  path.forEach((to, i) => {
    const r = transitionCase(cur, { to, by: COORD, at: `2026-03-${12 + i}T09:00:00+08:00`, note: `→${to}` });
    if (!r.ok) throw new Error(r.message);
    cur = r.case;
  });
  return cur;
}

describe('newCase', () => {
  it('opens pending verification with an open event and a 3-day deadline', () => {
    const c = opened();
    expect(caseSchema.safeParse(c).error).toBeUndefined();
    expect(c.status).toBe('pending_verification');
    expect(c.deadlineAt).toBe('2026-03-14T12:00:00.000Z');
    expect(c.events).toEqual([
      { at: '2026-03-11T20:00:00+08:00', by: WORKER, action: 'open', to: 'pending_verification', note: null, evidence: [PHOTO] },
    ]);
    expect(c.reportedBy).toBe(WORKER);
    expect(c.publishable).toBe(false);
    expect(c.version).toBe(0);
  });

  it('keeps an explicit reporter (or none, for anonymous reports)', () => {
    const c = newCase({ source: 'citizen_report', gridId: GRID, townshipId: TOWN, summary: 's', reportedAt: '2026-03-11T12:00:00Z', by: COORD, reportedBy: null });
    expect(c.reportedBy).toBeNull();
  });
});

describe('transitions', () => {
  it('follows SPEC §7', () => {
    expect(CASE_TRANSITIONS).toEqual({
      pending_verification: ['verifying'],
      verifying: ['unfounded', 'filed'],
      unfounded: ['closed'],
      filed: ['rectifying'],
      rectifying: ['follow_up'],
      follow_up: ['closed', 'rectifying'],
      closed: [],
    });
    expect(canTransition('follow_up', 'rectifying')).toBe(true);
    expect(canTransition('pending_verification', 'closed')).toBe(false);
    expect(canTransition('closed', 'verifying')).toBe(false);
    expect(canTransition('verifying', 'verifying')).toBe(false);
  });

  it('appends a transition event, sets the new deadline and bumps the version', () => {
    const c = opened();
    const r = transitionCase(c, { to: 'verifying', by: COORD, at: '2026-03-12T09:00:00+08:00', note: '派员核查', evidence: [PHOTO] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.case.status).toBe('verifying');
    expect(r.case.version).toBe(1);
    expect(r.case.deadlineAt).toBe('2026-03-15T01:00:00.000Z');
    expect(r.case.events).toHaveLength(2);
    expect(r.case.events[1]).toEqual({
      at: '2026-03-12T09:00:00+08:00',
      by: COORD,
      action: 'transition',
      to: 'verifying',
      note: '派员核查',
      evidence: [PHOTO],
    });
    expect(caseSchema.safeParse(r.case).error).toBeUndefined();
    // The input is not mutated.
    expect(c.status).toBe('pending_verification');
    expect(c.events).toHaveLength(1);
  });

  it('walks the filed path with a return to rectifying, and the unfounded path, to closed', () => {
    const filed = walk(opened(), ['verifying', 'filed', 'rectifying', 'follow_up', 'rectifying', 'follow_up', 'closed']);
    expect(filed.status).toBe('closed');
    expect(filed.deadlineAt).toBeNull();
    expect(filed.version).toBe(7);
    expect(filed.events.map((e) => e.to)).toEqual([
      'pending_verification', 'verifying', 'filed', 'rectifying', 'follow_up', 'rectifying', 'follow_up', 'closed',
    ]);
    expect(closingNote(filed)).toBe('→closed');
    const unfounded = walk(opened(), ['verifying', 'unfounded', 'closed']);
    expect(unfounded.status).toBe('closed');
  });

  it('refuses illegal transitions, naming both states in Chinese', () => {
    const r = transitionCase(opened(), { to: 'closed', by: COORD, at: '2026-03-12T09:00:00+08:00' });
    expect(r).toEqual({
      ok: false,
      code: 'illegal_transition',
      message: '案件状态不能从“待核查”变为“已办结”，只能变为“核查中”',
    });
    const closed = walk(opened(), ['verifying', 'unfounded', 'closed']);
    const again = transitionCase(closed, { to: 'verifying', by: COORD, at: '2026-04-01T09:00:00+08:00' });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.message).toContain('“已办结”变为“核查中”');
  });

  it('puts the event id on the event, and answers a known event id as a duplicate that changes nothing', () => {
    const EVENT = '01900000-0000-7000-8000-0000000000e1';
    const r = transitionCase(opened(), { id: EVENT, to: 'verifying', by: WORKER, at: '2026-03-12T09:00:00+08:00' });
    if (!r.ok) throw new Error(r.message);
    expect(r.duplicate).toBeUndefined();
    expect(r.case.events.at(-1)).toEqual({ id: EVENT, at: '2026-03-12T09:00:00+08:00', by: WORKER, action: 'transition', to: 'verifying', note: null, evidence: [] });
    expect(caseSchema.safeParse(r.case).error).toBeUndefined();
    // A replay: the case is already past `verifying`, yet the known id wins over the state machine.
    const filed = transitionCase(r.case, { to: 'filed', by: COORD, at: '2026-03-13T09:00:00+08:00' });
    if (!filed.ok) throw new Error(filed.message);
    const replay = transitionCase(filed.case, { id: EVENT, to: 'verifying', by: WORKER, at: '2026-03-12T09:00:00+08:00' });
    expect(replay).toEqual({ ok: true, duplicate: true, case: filed.case });
    // Without an id the event has none (the seed's history, older callers).
    expect(filed.case.events.at(-1)).not.toHaveProperty('id');
  });

  it('refuses every pair that is not in the table', () => {
    for (const from of CASE_STATUSES)
      for (const to of CASE_STATUSES) {
        const c = { ...opened(), status: from };
        expect(transitionCase(c, { to, by: COORD, at: '2026-03-12T00:00:00Z' }).ok).toBe(CASE_TRANSITIONS[from].includes(to));
      }
  });
});

describe('deadlines', () => {
  const at = '2026-03-01T00:00:00Z';
  it('uses the defaults of SPEC §7', () => {
    expect(deadlineFor('pending_verification', at)).toBe('2026-03-04T00:00:00.000Z');
    expect(deadlineFor('verifying', at)).toBe('2026-03-04T00:00:00.000Z');
    expect(deadlineFor('filed', at)).toBe('2026-03-16T00:00:00.000Z');
    expect(deadlineFor('rectifying', at)).toBe('2026-03-16T00:00:00.000Z');
    expect(deadlineFor('follow_up', at)).toBe('2026-03-31T00:00:00.000Z');
    expect(deadlineFor('unfounded', at)).toBeNull();
    expect(deadlineFor('closed', at)).toBeNull();
  });

  it('uses the county configuration', () => {
    expect(deadlineFor('verifying', at, { verifyDays: 1, rectifyDays: 7, followUpDays: 10 })).toBe('2026-03-02T00:00:00.000Z');
  });

  it('flags overdue cases after the deadline, never closed ones', () => {
    const c = opened();
    expect(isOverdue(c, '2026-03-14T12:00:00Z')).toBe(false);
    expect(isOverdue(c, '2026-03-14T12:00:01Z')).toBe(true);
    expect(isOverdue(c, new Date('2026-03-20T00:00:00Z'))).toBe(true);
    expect(isOverdue({ status: 'closed', deadlineAt: '2026-01-01T00:00:00Z' }, '2026-03-20T00:00:00Z')).toBe(false);
    expect(isOverdue({ status: 'unfounded', deadlineAt: null }, '2026-03-20T00:00:00Z')).toBe(false);
  });
});

describe('publicStatus', () => {
  it('shows only 受理 / 核查中 / 已办结', () => {
    expect(CASE_STATUSES.map(publicStatus)).toEqual(['受理', '核查中', '核查中', '核查中', '核查中', '核查中', '已办结']);
  });
  it('has no closing note before closing', () => {
    expect(closingNote(opened())).toBeNull();
  });
});

describe('who may open and move a case', () => {
  it('lets a grid worker do the field steps only, and a building manager none', () => {
    const field = CASE_STATUSES.filter((to) => mayMoveCaseTo('grid_worker', to));
    expect(field).toEqual(['verifying', 'unfounded', 'follow_up']);
    expect(CASE_STATUSES.some((to) => mayMoveCaseTo('building_manager', to))).toBe(false);
    expect(CASE_STATUSES.every((to) => mayMoveCaseTo('township_coordinator', to))).toBe(true);
  });

  it('ties a building manager to their own places and a grid worker to patrol', () => {
    expect(caseOpening('building_manager')).toEqual({ sources: ['building_manager'], placeRequired: true, keepsLinks: false, refusal: '楼栋长只能就本楼栋报告线索' });
    expect(caseOpening('grid_worker')).toEqual({ sources: ['patrol'], placeRequired: false, keepsLinks: true, refusal: '网格员只能登记巡查发现的线索' });
    expect(caseOpening('county_admin').sources).toContain('hotline_12345');
    expect(caseOpening('township_coordinator').keepsLinks).toBe(true);
  });

  it('refuses a source or a missing place with the role’s own reason', () => {
    const PLACE = '01900000-0000-7000-8000-0000000000c1';
    expect(caseOpeningRefusal('building_manager', { source: 'building_manager', placeId: PLACE })).toBeNull();
    expect(caseOpeningRefusal('building_manager', { source: 'building_manager', placeId: null })).toBe('楼栋长只能就本楼栋报告线索');
    expect(caseOpeningRefusal('building_manager', { source: 'patrol', placeId: PLACE })).toBe('楼栋长只能就本楼栋报告线索');
    expect(caseOpeningRefusal('grid_worker', { source: 'patrol' })).toBeNull();
    expect(caseOpeningRefusal('grid_worker', { source: 'hotline_12345' })).toBe('网格员只能登记巡查发现的线索');
    for (const role of ['township_coordinator', 'county_admin'] as const) {
      expect(CASE_SOURCES.map((source) => caseOpeningRefusal(role, { source }))).toEqual(CASE_SOURCES.map(() => null));
    }
  });
});
