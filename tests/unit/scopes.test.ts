import { describe, expect, it } from 'vitest';
import { GRID_STAFF_ROLES, ROLES, SUPERVISOR_ROLES, type EntityName, type RegionLevel, type Role } from '../../src/domain/enums';
import {
  buildingManagerRegionIds,
  canSee,
  gridScope,
  gridsUnder,
  managedPlaceIds,
  managesPlace,
  parseScope,
  placeScope,
  regionPath,
  rowScopes,
  scopesForUser,
  visibleToBuildingManager,
  type ScopeContext,
} from '../../src/domain/scopes';

const id = (n: number) => `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const [COUNTY, T1, T2, M1, M2, G1, G2, G3] = [1, 2, 3, 4, 5, 6, 7, 8].map(id) as [
  string, string, string, string, string, string, string, string,
];
const region = (rid: string, parentId: string | null, level: RegionLevel) => ({ id: rid, parentId, level });
const regions = [
  region(COUNTY, null, 'county'),
  region(T1, COUNTY, 'township'),
  region(T2, COUNTY, 'township'),
  region(M1, T1, 'community'),
  region(M2, T2, 'community'),
  region(G1, M1, 'grid'),
  region(G2, M1, 'grid'),
  region(G3, M2, 'grid'),
];
const BM = id(100);
const OTHER_BM = id(101);
const [P1, P2, P3] = [id(201), id(202), id(203)] as [string, string, string];
const places = [
  { id: P1, gridId: G1, managerIds: [BM] },
  { id: P2, gridId: G1, managerIds: [OTHER_BM] },
  { id: P3, gridId: G3, managerIds: [BM, OTHER_BM] },
];
const SUBJECT = id(301);
const ctx: ScopeContext = { regions, places, subjects: [{ id: SUBJECT, gridId: G1 }] };
const user = (uid: number, role: Role, regionId: string) => ({ id: id(uid), role, regionId });
const GW = user(10, 'grid_worker', G1);
const TC = user(11, 'township_coordinator', T1);
const CA = user(12, 'county_admin', COUNTY);
const bm = { id: BM, role: 'building_manager' as const, regionId: G1 };

const visit = (over: Record<string, unknown> = {}) => ({
  id: id(400),
  placeId: P1,
  inspectorIds: [BM],
  style: 'open',
  unannounced: false,
  ...over,
});

describe('scope keys', () => {
  it('formats and parses grid and place keys', () => {
    expect(gridScope(G1)).toBe(`grid:${G1}`);
    expect(placeScope(P1)).toBe(`place:${P1}`);
    expect(parseScope(`grid:${G1}`)).toEqual({ kind: 'grid', id: G1 });
    expect(parseScope(`place:${P1}`)).toEqual({ kind: 'place', id: P1 });
    expect(parseScope(`task:${G1}`)).toBeNull();
    expect(parseScope('grid:abc')).toBeNull();
    expect(parseScope(G1)).toBeNull();
  });
});

describe('region tree', () => {
  it('finds grids under any region, a grid being under itself', () => {
    expect(gridsUnder(COUNTY, regions)).toEqual([G1, G2, G3]);
    expect(gridsUnder(T1, regions)).toEqual([G1, G2]);
    expect(gridsUnder(M2, regions)).toEqual([G3]);
    expect(gridsUnder(G2, regions)).toEqual([G2]);
    expect(gridsUnder(id(999), regions)).toEqual([]);
  });

  it('walks up to the county', () => {
    expect(regionPath(G3, regions)).toEqual([G3, M2, T2, COUNTY]);
  });
});

describe('scopesForUser', () => {
  it('grid workers, coordinators and county admins get grid buckets of their region', () => {
    expect(scopesForUser(GW, regions, places)).toEqual([gridScope(G1)]);
    expect(scopesForUser(TC, regions, places)).toEqual([gridScope(G1), gridScope(G2)]);
    expect(scopesForUser(CA, regions, places)).toEqual([G1, G2, G3].map(gridScope));
  });

  it('a grid worker whose region is a community gets its grids', () => {
    expect(scopesForUser(user(13, 'grid_worker', M1), regions, places)).toEqual([gridScope(G1), gridScope(G2)]);
  });

  it('building managers get only the place buckets of the places they manage', () => {
    expect(scopesForUser(bm, regions, places)).toEqual([placeScope(P1), placeScope(P3)]);
    expect(scopesForUser({ id: id(102), role: 'building_manager', regionId: G1 }, regions, places)).toEqual([]);
  });

  it('the grid staff roles are exactly the roles that hold grid buckets, supervisors among them', () => {
    const holdsGrid = ROLES.filter((role) => scopesForUser(user(20, role, G1), regions, places).includes(gridScope(G1)));
    expect([...GRID_STAFF_ROLES].sort()).toEqual([...holdsGrid].sort());
    expect(SUPERVISOR_ROLES).toEqual(['township_coordinator', 'county_admin']);
    expect(GRID_STAFF_ROLES).toEqual(['grid_worker', 'township_coordinator', 'county_admin']);
  });
});

describe('managesPlace', () => {
  it('holds for each of a place\'s managers and nobody else', () => {
    expect(managesPlace(BM, places[2]!)).toBe(true);
    expect(managesPlace(OTHER_BM, places[2]!)).toBe(true);
    expect(managesPlace(BM, places[1]!)).toBe(false);
    expect(managesPlace(GW.id, places[0]!)).toBe(false);
    expect(managedPlaceIds(BM, places)).toEqual([P1, P3]);
  });
});

describe('rowScopes', () => {
  it('puts places in their grid and place buckets', () => {
    expect(rowScopes('place', { id: P1, gridId: G1 })).toEqual([gridScope(G1), placeScope(P1)]);
  });

  it('puts tasks and subjects in their grid bucket only', () => {
    expect(rowScopes('task', { id: id(500), gridId: G1, placeIds: [P1] })).toEqual([gridScope(G1)]);
    expect(rowScopes('subject', { id: SUBJECT, gridId: G1, placeIds: [P1] })).toEqual([gridScope(G1)]);
  });

  it('puts visits and cases in the grid and the place bucket, finding the grid through the place', () => {
    expect(rowScopes('visit', { placeId: P3 }, { gridOfPlace: () => G3 })).toEqual([gridScope(G3), placeScope(P3)]);
    expect(rowScopes('case', { gridId: G1, placeId: P1 })).toEqual([gridScope(G1), placeScope(P1)]);
    expect(rowScopes('case', { gridId: G1, placeId: null })).toEqual([gridScope(G1)]);
  });

  it('puts ledger events in the grid of their subject', () => {
    expect(rowScopes('ledgerEvent', { subjectId: SUBJECT }, { gridOfSubject: () => G1 })).toEqual([gridScope(G1)]);
  });

  it('leaves users and templates outside grid buckets', () => {
    expect(rowScopes('user', { id: id(10), regionId: G1 })).toEqual([]);
    expect(rowScopes('checklistTemplate', { id: id(1) })).toEqual([]);
    expect(rowScopes('region', { id: G1, level: 'grid' })).toEqual([gridScope(G1)]);
  });
});

describe('visibleToBuildingManager', () => {
  const managed = new Set([P1, P3]);
  const see = (entity: EntityName, row: Record<string, unknown>) =>
    visibleToBuildingManager(entity, row, BM, managed, buildingManagerRegionIds(managed, places, regions));

  it('never sees tasks, subjects or ledger events, even at their own place', () => {
    expect(see('task', { id: id(500), gridId: G1, placeIds: [P1], assigneeIds: [BM], style: 'open', unannounced: false })).toBe(false);
    expect(see('subject', { id: SUBJECT, gridId: G1, placeIds: [P1] })).toBe(false);
    expect(see('ledgerEvent', { id: id(600), subjectId: SUBJECT })).toBe(false);
  });

  it('sees their own places and the regions on the path to them only', () => {
    expect(see('place', { id: P1, gridId: G1 })).toBe(true);
    expect(see('place', { id: P2, gridId: G1 })).toBe(false);
    for (const r of [G1, M1, T1, COUNTY, G3, M2, T2]) expect(see('region', { id: r })).toBe(true);
    expect(see('region', { id: G2 })).toBe(false);
  });

  it('sees only their own open, announced self-checks at their places', () => {
    expect(see('visit', visit())).toBe(true);
    expect(see('visit', visit({ style: 'covert' }))).toBe(false);
    expect(see('visit', visit({ unannounced: true }))).toBe(false);
    expect(see('visit', visit({ inspectorIds: [GW.id] }))).toBe(false);
    expect(see('visit', visit({ inspectorIds: [BM, GW.id], unannounced: true }))).toBe(false);
    expect(see('visit', visit({ placeId: P2 }))).toBe(false);
  });

  it('sees only cases they reported', () => {
    expect(see('case', { id: id(700), gridId: G1, placeId: P1, reportedBy: BM })).toBe(true);
    expect(see('case', { id: id(701), gridId: G1, placeId: P1, reportedBy: GW.id })).toBe(false);
    expect(see('case', { id: id(702), gridId: G1, placeId: P1, reportedBy: null })).toBe(false);
  });

  it('sees themself and checklist templates, no other user', () => {
    expect(see('user', { id: BM })).toBe(true);
    expect(see('user', { id: GW.id })).toBe(false);
    expect(see('checklistTemplate', { id: id(1) })).toBe(true);
  });

  it('sees no region without the path set', () => {
    expect(visibleToBuildingManager('region', { id: G1 }, BM, managed)).toBe(false);
  });
});

describe('canSee', () => {
  const task = (gridId: string) => ({ id: id(500), gridId, placeIds: [P1], style: 'covert', unannounced: true });

  it('grid workers see rows of their grid only', () => {
    expect(canSee(GW, 'task', task(G1), ctx)).toBe(true);
    expect(canSee(GW, 'task', task(G2), ctx)).toBe(false);
    expect(canSee(GW, 'visit', visit({ placeId: P1, style: 'covert' }), ctx)).toBe(true);
    expect(canSee(GW, 'visit', visit({ placeId: P3 }), ctx)).toBe(false);
    expect(canSee(GW, 'ledgerEvent', { subjectId: SUBJECT }, ctx)).toBe(true);
    expect(canSee(GW, 'case', { gridId: G3, reportedBy: GW.id }, ctx)).toBe(false);
  });

  it('coordinators see their township, county admins the county', () => {
    expect(canSee(TC, 'task', task(G2), ctx)).toBe(true);
    expect(canSee(TC, 'place', { id: P3, gridId: G3 }, ctx)).toBe(false);
    expect(canSee(CA, 'place', { id: P3, gridId: G3 }, ctx)).toBe(true);
  });

  it('regions: the path up and the subtree down, not siblings', () => {
    expect(canSee(TC, 'region', { id: COUNTY }, ctx)).toBe(true);
    expect(canSee(TC, 'region', { id: G2 }, ctx)).toBe(true);
    expect(canSee(TC, 'region', { id: T2 }, ctx)).toBe(false);
    expect(canSee(GW, 'region', { id: G2 }, ctx)).toBe(false);
  });

  it('users: colleagues in related regions', () => {
    expect(canSee(GW, 'user', { id: TC.id, regionId: T1 }, ctx)).toBe(true);
    expect(canSee(GW, 'user', { id: id(14), regionId: G3 }, ctx)).toBe(false);
    expect(canSee(TC, 'user', { id: GW.id, regionId: G1 }, ctx)).toBe(true);
  });

  it('building managers go through the building-manager rule', () => {
    expect(canSee(bm, 'task', task(G1), ctx)).toBe(false);
    expect(canSee(bm, 'place', { id: P1, gridId: G1 }, ctx)).toBe(true);
    expect(canSee(bm, 'place', { id: P2, gridId: G1 }, ctx)).toBe(false);
    expect(canSee(bm, 'region', { id: G2 }, ctx)).toBe(false);
    expect(canSee(bm, 'region', { id: G1 }, ctx)).toBe(true);
    expect(canSee(bm, 'visit', visit({ style: 'covert' }), ctx)).toBe(false);
    expect(canSee(bm, 'visit', visit(), ctx)).toBe(true);
  });
});
