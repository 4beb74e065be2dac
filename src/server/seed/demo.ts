/**
 * The deterministic demo county (SPEC §11): 示范县 with 3 townships, 9 communities, 24 grids, ~600
 * places, ~150 key subjects with ledger history, checklist v1, users of every role, a week of tasks,
 * visits with per-device hash chains and cases in every state. Same `seed` and same Shanghai day of
 * `now` → deep-equal datasets; `scale` multiplies places, subjects, tasks and visits.
 */
import type { LedgerEvent, Place, Region, Subject } from '../../domain/entities';
import type { PlaceKind, RiskLevel, SubjectCategory } from '../../domain/enums';
import { PLACE_KINDS, SUBJECT_CATEGORIES } from '../../domain/enums';
import { CHECKLIST_V1 } from '../../domain/checklist';
import { categoryFitsKind } from '../../domain/subjects';
import { creditCodeCheckChar, idNumberCheckChar, maskIdNumber } from '../../domain/validators';
import type { Dataset, SeedUser } from './types';
import { generateActivity } from './generate-activity';
import {
  DELISTED_REASONS,
  LISTED_REASONS,
  PLACE_TAGS,
  STREETS,
  institutionName,
  mobile,
  personName,
  placeNaming,
} from './generate-names';
import type { GridInfo, RegionSet } from './generate-regions';
import { generateRegions, pointInGrid } from './generate-regions';
import { DAY, HOUR, IdFactory, MINUTE, Rng, iso, shanghaiMidnight } from './generate-util';

export const DEMO_PASSWORD = 'demo1234';
export const DEFAULT_DEMO_SEED = 20260101;

export interface DemoOptions {
  seed?: number;
  scale?: number;
  now?: Date;
}

/** Everything later stages of the generator need to know about the county. */
export interface DemoWorld {
  rng: Rng;
  ids: IdFactory;
  /** 00:00 Asia/Shanghai of the day of `now`, in ms. */
  dayStart: number;
  scale: number;
  regions: RegionSet;
  admin: SeedUser;
  /** Indexed by township (0..2). */
  coordinators: SeedUser[];
  /** Grid id → its grid workers, the primary (`gridNN`) first. */
  workersByGrid: Map<string, SeedUser[]>;
  buildingManagers: { user: SeedUser; grid: GridInfo; places: Place[] }[];
  gridById: Map<string, GridInfo>;
  placesByGrid: Map<string, Place[]>;
  placeById: Map<string, Place>;
  /** Place id → listed subjects linked to the place. */
  subjectsByPlace: Map<string, Subject[]>;
  users: SeedUser[];
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Grids with a second grid worker `gridNNb`. */
export function hasSecondWorker(n: number): boolean {
  return n % 2 === 1 || n % 6 === 0;
}
function primaryCertified(n: number): boolean {
  return n % 4 !== 2;
}
function secondCertified(n: number): boolean {
  return n % 5 !== 0;
}

function generateUsers(rng: Rng, ids: IdFactory, regions: RegionSet) {
  const users: SeedUser[] = [];
  let certSeq = 0;
  const make = (
    username: string,
    role: SeedUser['role'],
    regionId: string,
    extra: { certified?: boolean; department?: string | null } = {},
  ): SeedUser => {
    const certified = extra.certified ?? false;
    const u: SeedUser = {
      id: ids.next(),
      username,
      displayName: personName(rng),
      role,
      regionId,
      phone: mobile(rng),
      certified,
      certificateNo: certified ? `黔行执证字第${5203990000 + ++certSeq}号` : null,
      department: extra.department ?? null,
      password: DEMO_PASSWORD,
    };
    users.push(u);
    return u;
  };

  const admin = make('admin', 'county_admin', regions.county.id, { certified: true, department: '县教育体育局' });
  const coordinators = regions.townships.map((t, i) =>
    make(`coord${i + 1}`, 'township_coordinator', t.id, { certified: true, department: `${t.name}综治中心` }),
  );
  const workersByGrid = new Map<string, SeedUser[]>();
  for (const g of regions.grids) {
    const nn = pad2(g.number);
    const dept = `${g.community.name}网格服务站`;
    const list = [make(`grid${nn}`, 'grid_worker', g.region.id, { certified: primaryCertified(g.number), department: dept })];
    if (hasSecondWorker(g.number))
      list.push(make(`grid${nn}b`, 'grid_worker', g.region.id, { certified: secondCertified(g.number), department: dept }));
    workersByGrid.set(g.region.id, list);
  }
  return { users, admin, coordinators, workersByGrid, make };
}

const PLACE_KIND_WEIGHTS: Record<PlaceKind, number> = {
  commercial_building: 9,
  residential_compound: 9,
  residential_building: 22,
  hotel: 8,
  cafe: 9,
  rental_housing: 16,
  training_institution: 11,
  care_center: 8,
  other: 8,
};

const RISK_BY_KIND: Record<PlaceKind, Record<RiskLevel, number>> = {
  commercial_building: { high: 2, medium: 5, low: 3 },
  residential_compound: { high: 1, medium: 4, low: 5 },
  residential_building: { high: 2, medium: 4, low: 4 },
  hotel: { high: 3, medium: 5, low: 2 },
  cafe: { high: 3, medium: 4, low: 3 },
  rental_housing: { high: 4, medium: 4, low: 2 },
  training_institution: { high: 5, medium: 4, low: 1 },
  care_center: { high: 4, medium: 5, low: 1 },
  other: { high: 1, medium: 3, low: 6 },
};

const PLACE_NOTES = [
  '周末及放学后学生进出频繁',
  '曾有家长反映夜间有补课',
  '物业配合度高',
  '业主长期不在本地，由中介代管',
  '门口张贴有托管招生广告',
];

function generatePlaces(rng: Rng, ids: IdFactory, regions: RegionSet, scale: number): Map<string, Place[]> {
  const total = Math.max(regions.grids.length * PLACE_KINDS.length, Math.round(600 * scale));
  const byGrid = new Map<string, Place[]>();
  regions.grids.forEach((g, gi) => {
    const count = Math.floor(total / regions.grids.length) + (gi < total % regions.grids.length ? 1 : 0);
    const ti = regions.townships.indexOf(g.township);
    const streets = rng.sample(STREETS[ti] ?? STREETS[0]!, 3);
    const estates: { name: string; address: string }[] = [];
    const names = new Map<string, number>();
    const places: Place[] = [];
    for (let i = 0; i < count; i++) {
      const kind: PlaceKind = i < PLACE_KINDS.length ? PLACE_KINDS[i]! : rng.weighted(PLACE_KIND_WEIGHTS);
      const naming = placeNaming(rng, kind, streets, estates);
      const seen = names.get(naming.name) ?? 0;
      names.set(naming.name, seen + 1);
      const name = seen === 0 ? naming.name : `${naming.name}（${seen + 1}号点）`;
      const p = pointInGrid(rng, g);
      places.push({
        id: ids.next(),
        gridId: g.region.id,
        kind,
        name,
        address: `${g.township.name}${naming.address}`,
        lat: p.lat,
        lng: p.lng,
        managerIds: [],
        riskLevel: rng.weighted(RISK_BY_KIND[kind]),
        tags: rng.sample(PLACE_TAGS[kind], rng.int(0, 3)),
        note: rng.chance(0.15) ? rng.pick(PLACE_NOTES) : null,
        version: 1,
      });
    }
    byGrid.set(g.region.id, places);
  });
  return byGrid;
}

const MANAGED_KINDS: PlaceKind[] = ['residential_building', 'residential_compound', 'commercial_building', 'rental_housing'];

function creditCode(rng: Rng): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let body = rng.pick(['91', '92', '52']) + '520399';
  for (let i = 0; i < 9; i++) body += chars[rng.int(0, chars.length - 1)];
  return body + creditCodeCheckChar(body);
}

function idNumber(rng: Rng): string {
  const area = `5203${rng.pick(['02', '03', '21', '22', '23', '24', '25', '26', '27', '28', '29', '30', '81', '82'])}`;
  const birth = `${rng.int(1966, 1999)}${pad2(rng.int(1, 12))}${pad2(rng.int(1, 28))}`;
  const first17 = `${area}${birth}${rng.digits(3)}`;
  return first17 + idNumberCheckChar(first17);
}

const INSTITUTION_PLACE_KINDS: PlaceKind[] = ['training_institution', 'care_center', 'commercial_building', 'other'];
const PERSON_PLACE_KINDS: PlaceKind[] = ['residential_building', 'rental_housing', 'residential_compound', 'hotel', 'cafe'];
const RISKS: RiskLevel[] = ['high', 'medium', 'low'];

function generateSubjects(w: Omit<DemoWorld, 'subjectsByPlace'>): { subjects: Subject[]; ledgerEvents: LedgerEvent[] } {
  const rng = w.rng.fork('subjects');
  const total = Math.max(SUBJECT_CATEGORIES.length, Math.round(150 * w.scale));
  const subjects: Subject[] = [];
  const ledgerEvents: LedgerEvent[] = [];
  const grids = w.regions.grids;
  for (let i = 0; i < total; i++) {
    const category: SubjectCategory = SUBJECT_CATEGORIES[i % SUBJECT_CATEGORIES.length]!;
    // `other` fits both kinds: half of those subjects are persons.
    const kind = !categoryFitsKind('institution', category) || (category === 'other' && rng.chance(0.5)) ? 'person' : 'institution';
    const grid = grids[(i * 7 + rng.int(0, 2)) % grids.length]!;
    const gridId = grid.region.id;
    const gridPlaces = w.placesByGrid.get(gridId) ?? [];
    const kinds = kind === 'institution' ? INSTITUTION_PLACE_KINDS : PERSON_PLACE_KINDS;
    const candidates = gridPlaces.filter((p) => kinds.includes(p.kind));
    const placeIds = rng.sample(candidates, rng.weighted({ '0': 1, '1': 6, '2': 2 }) === '0' ? 0 : rng.int(1, 2)).map((p) => p.id);
    const workers = w.workersByGrid.get(gridId)!;
    const coordinator = w.coordinators[w.regions.townships.indexOf(grid.township)]!;
    const actors = [...workers.map((u) => u.id), coordinator.id];

    const listedMs = w.dayStart - rng.int(20, 400) * DAY + rng.int(9 * 60, 17 * 60) * MINUTE;
    const listedReason = rng.pick(LISTED_REASONS[category]);
    let risk: RiskLevel = rng.weighted({ high: 3, medium: 5, low: 2 });
    const id = w.ids.next();
    const events: LedgerEvent[] = [];
    let t = listedMs;
    const push = (action: LedgerEvent['action'], reason: string, diff: LedgerEvent['diff']) =>
      events.push({ id: w.ids.next(), subjectId: id, action, at: iso(t), by: rng.pick(actors), reason, diff });
    const name = kind === 'institution' ? institutionName(rng, category) : personName(rng);
    push('list', listedReason, {
      name: { from: null, to: name },
      category: { from: null, to: category },
      riskLevel: { from: null, to: risk },
      status: { from: null, to: 'listed' },
    });
    const span = w.dayStart - DAY - listedMs;
    const step = () => {
      t = Math.min(t + Math.max(HOUR, Math.floor(rng.float(0.1, 0.35) * span)), w.dayStart - DAY);
    };
    for (let u = rng.int(0, 2); u > 0; u--) {
      step();
      const next = rng.pick(RISKS.filter((r) => r !== risk));
      push('update', next === 'high' ? '近期群众反映有学生进出，风险等级上调' : '回访未见异常，风险等级调整', {
        riskLevel: { from: risk, to: next },
      });
      risk = next;
    }
    const fate = rng.weighted({ listed: 75, delisted: 15, relisted: 10 });
    let delistedAt: string | null = null;
    let delistedReason: string | null = null;
    if (fate !== 'listed') {
      step();
      const reason = rng.pick(DELISTED_REASONS);
      push('delist', reason, { status: { from: 'listed', to: 'delisted' } });
      delistedAt = iso(t);
      delistedReason = reason;
      if (fate === 'relisted') {
        step();
        push('relist', '回头看发现其再次开展培训活动，重新入账', { status: { from: 'delisted', to: 'listed' } });
        delistedAt = null;
        delistedReason = null;
      }
    }
    ledgerEvents.push(...events);
    subjects.push({
      id,
      kind,
      category,
      name,
      creditCode: kind === 'institution' ? creditCode(rng) : null,
      idNumberMasked: kind === 'person' ? maskIdNumber(idNumber(rng)) : null,
      phone: rng.chance(0.65) ? mobile(rng) : null,
      placeIds,
      gridId,
      status: fate === 'delisted' ? 'delisted' : 'listed',
      listedAt: iso(listedMs),
      listedReason,
      delistedAt,
      delistedReason,
      riskLevel: risk,
      version: events.length,
    });
  }
  return { subjects, ledgerEvents };
}

function generateDemoWorld(seed: number, scale: number, now: Date): { world: DemoWorld; regions: Region[] } {
  const root = new Rng(seed, 'demo-county');
  const dayStart = shanghaiMidnight(now);
  const ids = new IdFactory(root.fork('ids'), dayStart - 400 * DAY);
  const regions = generateRegions(root.fork('regions'), ids);
  const { users, admin, coordinators, workersByGrid, make } = generateUsers(root.fork('users'), ids, regions);
  const placesByGrid = generatePlaces(root.fork('places'), ids, regions, scale);
  const gridById = new Map(regions.grids.map((g) => [g.region.id, g]));

  // Building managers bm01–bm20 in grids 1–20, each managing 1–3 buildings of their grid.
  const bmRng = root.fork('building-managers');
  const buildingManagers: DemoWorld['buildingManagers'] = [];
  for (let k = 1; k <= 20; k++) {
    const grid = regions.grids[(k - 1) % regions.grids.length]!;
    const candidates = (placesByGrid.get(grid.region.id) ?? []).filter(
      (p) => MANAGED_KINDS.includes(p.kind) && p.managerIds.length === 0,
    );
    const managed = bmRng.sample(candidates, k === 1 ? 3 : bmRng.int(1, 3));
    const first = managed[0];
    const department =
      first && (first.kind === 'residential_compound' || first.kind === 'commercial_building')
        ? `${first.name}物业服务中心`
        : '楼栋长';
    const user = make(`bm${pad2(k)}`, 'building_manager', grid.region.id, { department });
    for (const p of managed) p.managerIds.push(user.id);
    buildingManagers.push({ user, grid, places: managed });
  }

  const placeById = new Map<string, Place>();
  for (const list of placesByGrid.values()) for (const p of list) placeById.set(p.id, p);

  const world: DemoWorld = {
    rng: root,
    ids,
    dayStart,
    scale,
    regions,
    admin,
    coordinators,
    workersByGrid,
    buildingManagers,
    gridById,
    placesByGrid,
    placeById,
    subjectsByPlace: new Map(),
    users,
  };
  return { world, regions: regions.all };
}

export async function generateDemoCounty(options: DemoOptions = {}): Promise<Dataset> {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const scale = options.scale ?? 1;
  const now = options.now ?? new Date();
  if (!(scale > 0)) throw new Error('scale must be positive');
  const { world, regions } = generateDemoWorld(seed, scale, now);
  const { subjects, ledgerEvents } = generateSubjects(world);
  for (const s of subjects) {
    if (s.status !== 'listed') continue;
    for (const pid of s.placeIds) {
      const list = world.subjectsByPlace.get(pid) ?? [];
      list.push(s);
      world.subjectsByPlace.set(pid, list);
    }
  }
  const { tasks, visits, cases } = await generateActivity(world);
  return {
    regions,
    users: world.users,
    templates: [CHECKLIST_V1],
    places: [...world.placesByGrid.values()].flat(),
    subjects,
    ledgerEvents,
    tasks,
    visits,
    cases,
  };
}

/** The demo accounts to print at start (SPEC §11): one line per role with example usernames. */
export function demoAccountSummary(data: Pick<Dataset, 'users'>): { role: SeedUser['role']; usernames: string[]; password: string }[] {
  const roles: SeedUser['role'][] = ['county_admin', 'township_coordinator', 'grid_worker', 'building_manager'];
  return roles.map((role) => ({
    role,
    usernames: data.users.filter((u) => u.role === role).map((u) => u.username),
    password: DEMO_PASSWORD,
  }));
}
