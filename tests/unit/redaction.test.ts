/** What each role reads of each entity (SPEC §2, §9): one table per entity, every role a row. */
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/enums';
import {
  caseForReader,
  conflictForReader,
  ledgerEventForReader,
  phoneForRole,
  placeForReader,
  subjectForReader,
  userForReader,
  type Reader,
} from '../../src/domain/redaction';
import { makeCase, makeLedgerEvent, makePlace, makeSubject, makeUser } from '../factories';

const FULL = '13912345678';
const MASKED = '139****5678';
const OLD_FULL = '13800138000';
const OLD_MASKED = '138****8000';
const GRID = '01900000-0000-7000-8000-0000000000b1';
const TOWN = '01900000-0000-7000-8000-0000000000b2';

const reader = (role: Role, id = '01900000-0000-7000-8000-0000000000a1'): Reader => ({ id, role });

describe('phoneForRole', () => {
  it('shows a phone whole to the county admin only; a missing phone passes through', () => {
    expect(phoneForRole('county_admin', FULL)).toBe(FULL);
    for (const role of ['township_coordinator', 'grid_worker', 'building_manager'] as const) {
      expect(phoneForRole(role, FULL)).toBe(MASKED);
    }
    expect(phoneForRole('grid_worker', null)).toBeNull();
    expect(phoneForRole('grid_worker', undefined)).toBeNull();
    expect(phoneForRole('county_admin', null)).toBeNull();
  });
});

describe('placeForReader', () => {
  it.each<[Role, boolean]>([
    ['grid_worker', true],
    ['building_manager', false],
    ['township_coordinator', true],
    ['county_admin', true],
  ])('%s reads the inspectors’ note: %s', (role, seesNote) => {
    const place = makePlace({ gridId: GRID, note: '夜间有学生进出' });
    const read = placeForReader(reader(role), place);
    expect(read).toEqual({ ...place, note: seesNote ? '夜间有学生进出' : null });
  });
});

describe('subjectForReader', () => {
  it.each<[Role, string]>([
    ['grid_worker', MASKED],
    ['building_manager', MASKED],
    ['township_coordinator', MASKED],
    ['county_admin', FULL],
  ])('%s reads the phone as %s, the rest as stored', (role, phone) => {
    const subject = makeSubject({ gridId: GRID, phone: FULL });
    expect(subjectForReader(reader(role), subject)).toEqual({ ...subject, phone });
    expect(subjectForReader(reader(role), { ...subject, phone: null }).phone).toBeNull();
  });
});

describe('userForReader', () => {
  it.each<[Role, string]>([
    ['grid_worker', MASKED],
    ['building_manager', MASKED],
    ['township_coordinator', MASKED],
    ['county_admin', FULL],
  ])('%s reads a colleague’s phone as %s and their own whole', (role, phone) => {
    const colleague = makeUser({ role: 'grid_worker', regionId: GRID, phone: FULL });
    const self = makeUser({ role, regionId: GRID, phone: FULL });
    expect(userForReader(self, colleague)).toEqual({ ...colleague, phone });
    expect(userForReader(self, self)).toEqual(self);
  });
});

describe('ledgerEventForReader', () => {
  const by = '01900000-0000-7000-8000-0000000000a9';
  const subjectId = '01900000-0000-7000-8000-0000000000c1';
  it.each<[Role, { from: unknown; to: unknown }]>([
    ['grid_worker', { from: OLD_MASKED, to: MASKED }],
    ['building_manager', { from: OLD_MASKED, to: MASKED }],
    ['township_coordinator', { from: OLD_MASKED, to: MASKED }],
    ['county_admin', { from: OLD_FULL, to: FULL }],
  ])('%s reads both sides of a phone change as %o, other fields as stored', (role, phone) => {
    const event = makeLedgerEvent({
      subjectId,
      by,
      action: 'update',
      diff: { phone: { from: OLD_FULL, to: FULL }, name: { from: '甲', to: '乙' } },
    });
    expect(ledgerEventForReader(reader(role), event)).toEqual({ ...event, diff: { phone, name: { from: '甲', to: '乙' } } });
  });

  it('keeps an added or removed phone’s empty side, and events without a phone as they are', () => {
    const added = makeLedgerEvent({ subjectId, by, action: 'update', diff: { phone: { from: null, to: FULL } } });
    expect(ledgerEventForReader(reader('grid_worker'), added).diff.phone).toEqual({ from: null, to: MASKED });
    const removed = makeLedgerEvent({ subjectId, by, action: 'update', diff: { phone: { from: FULL, to: null } } });
    expect(ledgerEventForReader(reader('grid_worker'), removed).diff.phone).toEqual({ from: MASKED, to: null });
    const listed = makeLedgerEvent({ subjectId, by, action: 'delist', diff: { status: { from: 'listed', to: 'delisted' } } });
    expect(ledgerEventForReader(reader('grid_worker'), listed)).toEqual(listed);
  });
});

describe('conflictForReader', () => {
  it.each<[Role, string, string]>([
    ['grid_worker', OLD_MASKED, MASKED],
    ['building_manager', OLD_MASKED, MASKED],
    ['township_coordinator', OLD_MASKED, MASKED],
    ['county_admin', OLD_FULL, FULL],
  ])('%s reads an overwritten phone as %s → %s', (role, overwritten, winner) => {
    const conflict = { id: '7', entity: 'subject', rowId: 'r', field: 'phone', overwritten: OLD_FULL, winner: FULL, baseVersion: 1 };
    expect(conflictForReader(reader(role), conflict)).toEqual({ ...conflict, overwritten, winner });
  });

  it('leaves conflicts on other fields as they are', () => {
    const conflict = { field: 'name', overwritten: OLD_FULL, winner: '乙' };
    expect(conflictForReader(reader('grid_worker'), conflict)).toEqual(conflict);
  });
});

describe('caseForReader', () => {
  const me = '01900000-0000-7000-8000-0000000000d1';
  const inspector = '01900000-0000-7000-8000-0000000000d2';
  const visitId = '01900000-0000-7000-8000-0000000000e1';
  const subjectId = '01900000-0000-7000-8000-0000000000c1';
  const PHOTO = 'a'.repeat(64);
  const reported = (source: 'building_manager' | 'citizen_report' | 'patrol') =>
    makeCase({
      gridId: GRID,
      townshipId: TOWN,
      source,
      reportedBy: me,
      trackingCode: source === 'citizen_report' ? 'SP250512ABCDEF' : null,
      visitId,
      subjectIds: [subjectId],
      events: [
        { at: '2025-05-12T01:00:00.000Z', by: me, action: 'open', to: 'pending_verification', note: '楼内疑似补课', evidence: [PHOTO] },
        { at: '2025-05-12T02:00:00.000Z', by: inspector, action: 'transition', to: 'verifying', note: '暗访安排在周六', evidence: [PHOTO] },
        { at: '2025-05-12T03:00:00.000Z', by: inspector, action: 'note', note: '联系房东', evidence: [] },
      ],
    });

  it('gives a building manager their report without links, others’ notes, evidence or note-only events', () => {
    const c = reported('building_manager');
    expect(caseForReader(reader('building_manager', me), c)).toEqual({
      ...c,
      visitId: null,
      subjectIds: [],
      events: [
        c.events[0],
        { at: '2025-05-12T02:00:00.000Z', by: inspector, action: 'transition', to: 'verifying', note: null, evidence: [] },
      ],
    });
  });

  it.each<[Role, boolean]>([
    ['grid_worker', false],
    ['township_coordinator', true],
    ['county_admin', true],
  ])('%s reads a citizen reporter’s identity: %s', (role, seesReporter) => {
    const c = reported('citizen_report');
    const read = caseForReader(reader(role), c);
    expect(read).toEqual(seesReporter ? c : { ...c, reportedBy: null, trackingCode: null });
  });

  it.each<Role>(['grid_worker', 'township_coordinator', 'county_admin'])('%s reads a patrol case as stored', (role) => {
    const c = reported('patrol');
    expect(caseForReader(reader(role), c)).toEqual(c);
  });
});
