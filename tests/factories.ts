/**
 * Test-data factory (STYLE: ODK Central's test/data): valid domain objects with overrides, and a
 * small county — 2 townships × 2 grids — with places, subjects and their ledger, tasks (open,
 * covert, unannounced), visits and cases, so server tests do not depend on the demo generator.
 */
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
  type Case,
  type ChecklistTemplate,
  type LedgerEvent,
  type Place,
  type Region,
  type Subject,
  type Task,
  type Visit,
} from '../src/domain/entities';
import { uuidv7 } from '../src/domain/ids';
import { creditCodeCheckChar } from '../src/domain/validators';
import type { Dataset, SeedUser } from '../src/server/seed/types';

export const TEST_PASSWORD = 'secret-pass-1';

let counter = 0;
const seq = () => ++counter;
const hex64 = (n: number) => n.toString(16).padStart(64, '0');
const at = (dayOffset: number, hour = 9) => new Date(Date.UTC(2025, 4, 12 + dayOffset, hour - 8)).toISOString();

export function creditCode(n: number): string {
  const first17 = `91520302${String(n).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

export function makeRegion(o: Partial<Region> & Pick<Region, 'level'>): Region {
  const n = seq();
  return regionSchema.parse({ id: uuidv7(), parentId: null, name: `区域${n}`, code: `R${n}`, boundary: null, ...o });
}

export function makeUser(o: Partial<SeedUser> & Pick<SeedUser, 'role' | 'regionId'>): SeedUser {
  const n = seq();
  const { password = TEST_PASSWORD, ...rest } = o;
  const user = userSchema.parse({
    id: uuidv7(),
    username: `user${n}`,
    displayName: `用户${n}`,
    phone: `1380000${String(n).padStart(4, '0')}`,
    certified: false,
    certificateNo: null,
    department: null,
    ...rest,
  });
  return { ...user, password };
}

export function makePlace(o: Partial<Place> & Pick<Place, 'gridId'>): Place {
  const n = seq();
  return placeSchema.parse({
    id: uuidv7(),
    kind: 'residential_building',
    name: `场所${n}`,
    address: `示范路${n}号`,
    lat: 27.7 + n / 10000,
    lng: 106.93 + n / 10000,
    managerIds: [],
    riskLevel: 'medium',
    tags: [],
    note: `内部备注${n}`,
    version: 1,
    ...o,
  });
}

export function makeSubject(o: Partial<Subject> & Pick<Subject, 'gridId'>): Subject {
  const n = seq();
  return subjectSchema.parse({
    id: uuidv7(),
    kind: 'institution',
    category: 'transformed_institution',
    name: `重点机构${n}`,
    creditCode: creditCode(n),
    idNumberMasked: null,
    phone: '13912345678',
    placeIds: [],
    status: 'listed',
    listedAt: at(-30),
    listedReason: '已转型学科类机构',
    delistedAt: null,
    delistedReason: null,
    riskLevel: 'high',
    version: 1,
    ...o,
  });
}

export function makeLedgerEvent(o: Partial<LedgerEvent> & Pick<LedgerEvent, 'subjectId' | 'by'>): LedgerEvent {
  return ledgerEventSchema.parse({ id: uuidv7(), action: 'list', at: at(-30), reason: '入账', diff: {}, ...o });
}

export function makeTemplate(o: Partial<ChecklistTemplate> = {}): ChecklistTemplate {
  return checklistTemplateSchema.parse({
    id: uuidv7(),
    code: 'standard',
    version: 1,
    title: '校外培训巡查检查表',
    appliesTo: {},
    sections: [{ code: 'A', title: '培训主体', category: 'subject' }],
    items: [{ code: 'A1', section: 'A', text: '是否存在学科类培训', kind: 'yesno', violationWhen: true, evidenceOnViolation: true, category: 'subject' }],
    ...o,
  });
}

export function makeTask(o: Partial<Task> & Pick<Task, 'townshipId' | 'gridId' | 'assigneeIds' | 'placeIds' | 'createdBy'>): Task {
  const n = seq();
  return taskSchema.parse({
    id: uuidv7(),
    title: `巡查任务${n}`,
    shift: 'day',
    style: 'open',
    unannounced: false,
    organization: 'routine',
    departments: [],
    windowStart: at(0, 9),
    windowEnd: at(0, 17),
    dueAt: at(0, 18),
    status: 'assigned',
    caseId: null,
    draw: null,
    version: 1,
    ...o,
  });
}

export function makeVisit(o: Partial<Visit> & Pick<Visit, 'placeId' | 'inspectorIds' | 'templateId'>): Visit {
  const n = seq();
  return visitSchema.parse({
    id: uuidv7(),
    taskId: null,
    subjectIds: [],
    shift: 'day',
    style: 'open',
    unannounced: false,
    organization: 'routine',
    startedAt: '2025-05-12T10:00:00+08:00',
    endedAt: '2025-05-12T10:20:00+08:00',
    position: { lat: 27.7, lng: 106.93, accuracy: 12, at: '2025-05-12T10:01:00+08:00' },
    distanceM: 8,
    templateVersion: 1,
    answers: [{ itemCode: 'A1', value: false, evidence: [] }],
    findings: [],
    outcome: 'no_issue',
    note: null,
    deviceId: 'device-test-1',
    clockOffsetMs: 0,
    hash: hex64(n),
    prevHash: null,
    amendsVisitId: null,
    ...o,
  });
}

export function makeCase(o: Partial<Case> & Pick<Case, 'gridId' | 'townshipId'>): Case {
  const n = seq();
  return caseSchema.parse({
    id: uuidv7(),
    source: 'patrol',
    placeId: null,
    subjectIds: [],
    categories: ['location'],
    summary: `疑似违规培训${n}`,
    reportedAt: at(-1),
    reportedBy: null,
    visitId: null,
    status: 'pending_verification',
    deadlineAt: at(6),
    publishable: false,
    trackingCode: null,
    events: [],
    version: 1,
    ...o,
  });
}

export interface SmallCounty {
  dataset: Dataset;
  county: Region;
  townships: Region[];
  grids: Region[];
  users: {
    admin: SeedUser;
    coordinators: SeedUser[];
    workers: SeedUser[];
    managers: SeedUser[];
  };
  /** Place in grid 0 managed by managers[0]; target of covert and unannounced work. */
  managedPlace: Place;
}

/** 1 county → 2 townships → 1 community each → 2 grids each (4 grids). */
export function buildSmallCounty(): SmallCounty {
  const county = makeRegion({ level: 'county', name: '测试县' });
  const townships = [0, 1].map((i) => makeRegion({ level: 'township', parentId: county.id, name: `镇${i}` }));
  const communities = townships.map((t, i) => makeRegion({ level: 'community', parentId: t.id, name: `社区${i}` }));
  const grids = communities.flatMap((c, i) =>
    [0, 1].map((j) => makeRegion({ level: 'grid', parentId: c.id, name: `网格${i}-${j}` })),
  );
  const townshipOf = (g: Region) => townships[grids.indexOf(g) < 2 ? 0 : 1]!;

  const admin = makeUser({ role: 'county_admin', regionId: county.id, username: 'admin' });
  const coordinators = townships.map((t, i) => makeUser({ role: 'township_coordinator', regionId: t.id, username: `coord${i}` }));
  const workers = grids.map((g, i) => makeUser({ role: 'grid_worker', regionId: g.id, username: `worker${i}`, certified: true }));
  const managers = [grids[0]!, grids[2]!].map((g, i) => makeUser({ role: 'building_manager', regionId: g.id, username: `manager${i}` }));
  const template = makeTemplate();

  const places: Place[] = [];
  const subjects: Subject[] = [];
  const ledgerEvents: LedgerEvent[] = [];
  const tasks: Task[] = [];
  const visits: Visit[] = [];
  const cases: Case[] = [];

  grids.forEach((g, gi) => {
    const worker = workers[gi]!;
    const coordinator = coordinators[gi < 2 ? 0 : 1]!;
    const township = townshipOf(g);
    const manager = gi === 0 ? managers[0] : gi === 2 ? managers[1] : undefined;
    const gridPlaces = [0, 1, 2].map((k) =>
      makePlace({ gridId: g.id, managerIds: k === 0 && manager ? [manager.id] : [], kind: k === 2 ? 'cafe' : 'residential_building' }),
    );
    places.push(...gridPlaces);
    const [own, other] = gridPlaces as [Place, Place, Place];

    const subject = makeSubject({ gridId: g.id, placeIds: [own.id] });
    subjects.push(subject);
    ledgerEvents.push(
      makeLedgerEvent({ subjectId: subject.id, by: coordinator.id }),
      makeLedgerEvent({ subjectId: subject.id, by: worker.id, action: 'update', at: at(-5), reason: '更新风险', diff: { riskLevel: { from: 'medium', to: 'high' } } }),
    );

    const base = { townshipId: township.id, gridId: g.id, assigneeIds: [worker.id], createdBy: coordinator.id };
    const openTask = makeTask({ ...base, placeIds: [own.id, other.id] });
    const covertTask = makeTask({ ...base, placeIds: [own.id], style: 'covert', shift: 'night', windowStart: at(1, 19), windowEnd: at(1, 22), dueAt: at(1, 23) });
    const unannouncedTask = makeTask({ ...base, placeIds: [own.id], unannounced: true, organization: 'spot', status: 'in_progress' });
    tasks.push(openTask, covertTask, unannouncedTask);

    const v = { templateId: template.id, inspectorIds: [worker.id] };
    visits.push(
      makeVisit({ ...v, placeId: other.id, taskId: openTask.id }),
      makeVisit({ ...v, placeId: own.id, taskId: covertTask.id, style: 'covert', shift: 'night', outcome: 'issue_found', findings: [{ category: 'location', description: '发现一对一授课', evidence: [] }] }),
      makeVisit({ ...v, placeId: own.id, taskId: unannouncedTask.id, unannounced: true, organization: 'spot' }),
      makeVisit({ ...v, placeId: own.id }),
    );
    if (manager) visits.push(makeVisit({ templateId: template.id, placeId: own.id, inspectorIds: [manager.id], deviceId: `device-${manager.username}` }));

    cases.push(
      makeCase({ gridId: g.id, townshipId: township.id, placeId: own.id, source: 'patrol', reportedBy: worker.id }),
      makeCase({ gridId: g.id, townshipId: township.id, source: 'citizen_report', address: '某小区', trackingCode: `T${gi}ABCDEF`, status: 'verifying' }),
    );
    if (manager) {
      cases.push(
        makeCase({
          gridId: g.id,
          townshipId: township.id,
          placeId: own.id,
          source: 'building_manager',
          reportedBy: manager.id,
          events: [
            { at: at(-1), by: manager.id, action: 'report', note: '楼内有学生进出', evidence: [] },
            { at: at(0), by: worker.id, action: 'verify', to: 'verifying', note: '安排暗访核实', evidence: [hex64(7)] },
          ],
          status: 'verifying',
        }),
      );
    }
  });

  const dataset: Dataset = {
    regions: [county, ...townships, ...communities, ...grids],
    users: [admin, ...coordinators, ...workers, ...managers],
    templates: [template],
    places,
    subjects,
    ledgerEvents,
    tasks,
    visits,
    cases,
  };
  return {
    dataset,
    county,
    townships,
    grids,
    users: { admin, coordinators, workers, managers },
    managedPlace: places[0]!,
  };
}
