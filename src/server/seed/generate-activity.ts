/**
 * Field activity of the demo county: a week of tasks around `now`, visits (from done tasks, ad hoc
 * patrols over the last two months and building managers' self-checks) chained per device, and
 * cases of every source in every state of the SPEC §7 machine.
 */
import type { Case, Draw, Place, Task, Visit } from '../../domain/entities';
import type { CaseSource, CaseStatus, Shift, TaskOrganization, VisitOutcome } from '../../domain/enums';
import { CASE_STATUSES } from '../../domain/enums';
import { CHECKLIST_V1 } from '../../domain/checklist';
import { CASE_OPENING_OUTCOMES, visitCaseCategories } from '../../domain/rules';
import { newCase, transitionCase } from '../../domain/cases';
import { visitHash } from '../../domain/canonical';
import type { DemoWorld } from './demo';
import type { SeedUser } from './types';
import type { GridInfo } from './generate-regions';
import { DEPARTMENTS, STREETS } from './generate-names';
import { selfCheckContent, visitContent } from './generate-visits';
import { DAY, HOUR, MINUTE, Rng, distanceM, hash32, iso, localDate, monthDay, round } from './generate-util';

const ORG_TITLES: Record<TaskOrganization, string> = {
  routine: '常规巡查',
  joint: '联合检查',
  spot: '双随机抽查',
  clue_verification: '线索核查',
  follow_up: '整改回头看',
};

const NIGHT_KINDS = new Set<Place['kind']>(['hotel', 'cafe', 'training_institution', 'care_center', 'rental_housing', 'other', 'residential_building']);

/** Nearest-neighbour order from the first place (straight-line distance). */
function routeOrder(places: Place[]): Place[] {
  if (places.length <= 2) return places;
  const rest = places.slice(1);
  const out = [places[0]!];
  while (rest.length) {
    const last = out[out.length - 1]!;
    let best = 0;
    let bestD = Infinity;
    rest.forEach((p, i) => {
      const d = distanceM(last.lat, last.lng, p.lat, p.lng);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    out.push(rest.splice(best, 1)[0]!);
  }
  return out;
}

function certifiedWorkers(w: DemoWorld, gridId: string): SeedUser[] {
  return (w.workersByGrid.get(gridId) ?? []).filter((u) => u.certified);
}

interface Ctx {
  w: DemoWorld;
  rng: Rng;
  tasks: Task[];
  visits: Omit<Visit, 'hash' | 'prevHash'>[];
  cases: Case[];
}

function coordinatorOf(w: DemoWorld, grid: GridInfo): SeedUser {
  return w.coordinators[w.regions.townships.indexOf(grid.township)]!;
}

function windowOf(dayMs: number, shift: Shift): [number, number] {
  return shift === 'day' ? [dayMs + 8 * HOUR + 30 * MINUTE, dayMs + 17 * HOUR + 30 * MINUTE] : [dayMs + 18 * HOUR, dayMs + 22 * HOUR];
}

interface TaskSpec {
  grid: GridInfo;
  dayOffset: number;
  shift: Shift;
  organization: TaskOrganization;
  style: Task['style'];
  unannounced: boolean;
  status: Task['status'];
  route: Place[];
  assignees: SeedUser[];
  draw?: Draw | null;
}

function makeTask(c: Ctx, s: TaskSpec): Task {
  const { w, rng } = c;
  const dayMs = w.dayStart + s.dayOffset * DAY;
  const [start, end] = windowOf(dayMs, s.shift);
  const departments = s.organization === 'joint' ? rng.sample(DEPARTMENTS, rng.int(1, 2)) : s.organization === 'spot' ? ['县教育体育局'] : [];
  const task: Task = {
    id: w.ids.next(),
    townshipId: s.grid.township.id,
    gridId: s.grid.region.id,
    title: `${s.grid.region.name}${ORG_TITLES[s.organization]}（${monthDay(dayMs)}${s.shift === 'night' ? '夜查' : '日查'}）`,
    assigneeIds: s.assignees.map((u) => u.id),
    placeIds: s.route.map((p) => p.id),
    shift: s.shift,
    style: s.style,
    unannounced: s.unannounced,
    organization: s.organization,
    departments,
    windowStart: iso(start),
    windowEnd: iso(end),
    dueAt: iso(end),
    status: s.status,
    caseId: null,
    draw: s.draw ?? null,
    createdBy: coordinatorOf(w, s.grid).id,
    version: s.status === 'assigned' ? 1 : s.status === 'done' ? 3 : 2,
  };
  c.tasks.push(task);
  if (s.status === 'done') {
    const slot = (end - start) / s.route.length;
    const device = s.assignees[0]!;
    s.route.forEach((place, i) => {
      if (rng.chance(0.04)) return; // a place skipped on the way
      const started = start + i * slot + rng.int(3, 12) * MINUTE;
      const ended = started + Math.min(slot - 15 * MINUTE, rng.int(10, 35) * MINUTE);
      addVisit(c, {
        task,
        place,
        inspectors: s.assignees,
        device,
        startedMs: started,
        endedMs: Math.max(ended, started + 5 * MINUTE),
        shift: s.shift,
        style: s.style,
        unannounced: s.unannounced,
        organization: s.organization,
      });
    });
  }
  return task;
}

function pickOutcome(rng: Rng, place: Place, shift: Shift, style: Task['style']): VisitOutcome {
  const risky = place.riskLevel === 'high' || NIGHT_KINDS.has(place.kind);
  const issue = (risky ? 14 : 7) + (shift === 'night' ? 6 : 0) + (style === 'covert' ? 4 : 0);
  return rng.weighted({ no_issue: 70, issue_found: issue, premises_closed: 10, entry_refused: 3 });
}

interface VisitSpec {
  task: Task | null;
  place: Place;
  inspectors: SeedUser[];
  device: SeedUser;
  startedMs: number;
  endedMs: number;
  shift: Shift;
  style: Task['style'];
  unannounced: boolean;
  organization: TaskOrganization;
  outcome?: VisitOutcome;
}

function addVisit(c: Ctx, s: VisitSpec): Omit<Visit, 'hash' | 'prevHash'> {
  const { w, rng } = c;
  const outcome = s.outcome ?? pickOutcome(rng, s.place, s.shift, s.style);
  const content = visitContent(rng, s.place, s.shift, outcome, s.endedMs);
  // Position: mostly at the door, sometimes a poor fix, rarely far away (flagged beyond 200 m).
  const far = rng.weighted({ near: 90, mid: 7, far: 3 });
  const dist = far === 'near' ? rng.float(3, 60) : far === 'mid' ? rng.float(80, 180) : rng.float(220, 420);
  const bearing = rng.float(0, 2 * Math.PI);
  const lat = round(s.place.lat + (dist * Math.cos(bearing)) / 111_195, 6);
  const lng = round(s.place.lng + (dist * Math.sin(bearing)) / (111_195 * Math.cos((s.place.lat * Math.PI) / 180)), 6);
  const subjects = w.subjectsByPlace.get(s.place.id) ?? [];
  const visit: Omit<Visit, 'hash' | 'prevHash'> = {
    id: w.ids.next(),
    taskId: s.task?.id ?? null,
    placeId: s.place.id,
    subjectIds: subjects.map((x) => x.id),
    inspectorIds: s.inspectors.map((u) => u.id),
    shift: s.shift,
    shiftOverrideReason: null,
    style: s.style,
    unannounced: s.unannounced,
    organization: s.organization,
    startedAt: iso(s.startedMs),
    endedAt: iso(s.endedMs),
    position: { lat, lng, accuracy: rng.int(4, 35), at: iso(s.startedMs) },
    distanceM: round(distanceM(lat, lng, s.place.lat, s.place.lng), 1),
    templateId: CHECKLIST_V1.id,
    templateVersion: CHECKLIST_V1.version,
    answers: content.answers,
    findings: content.findings,
    outcome,
    note: content.note,
    deviceId: `demo-${s.device.username}`,
    clockOffsetMs: rng.int(-1500, 1500),
    amendsVisitId: null,
  };
  c.visits.push(visit);
  return visit;
}

// ---------------------------------------------------------------------------------------------
// Tasks

function generateTasks(c: Ctx): void {
  const { w, rng } = c;
  const perDay = Math.max(1, Math.ceil(w.scale));
  const workingToday = new Set<string>();
  for (let d = -4; d <= 2; d++) {
    for (const grid of w.regions.grids) {
      const gridId = grid.region.id;
      const places = w.placesByGrid.get(gridId) ?? [];
      const workers = w.workersByGrid.get(gridId)!;
      const certified = certifiedWorkers(w, gridId);
      for (let k = 0; k < perDay; k++) {
        const weight = Math.min(1, w.scale - k);
        for (const shift of ['day', 'night'] as const) {
          if (!rng.chance(weight * (shift === 'day' ? 1 : 0.5))) continue;
          const organization = rng.weighted<TaskOrganization>({
            routine: 50,
            joint: certified.length >= 2 ? 12 : 0,
            spot: certified.length >= 2 ? 12 : 0,
            clue_verification: 14,
            follow_up: 12,
          });
          const style = rng.chance(shift === 'night' ? 0.45 : 0.25) ? 'covert' : 'open';
          const unannounced = organization === 'spot' ? rng.chance(0.7) : rng.chance(style === 'covert' ? 0.8 : 0.25);
          const status: Task['status'] =
            d < 0
              ? rng.weighted({ done: 92, cancelled: 4, assigned: 4 })
              : d === 0 && shift === 'day'
                ? rng.chance(0.6)
                  ? 'in_progress'
                  : 'assigned'
                : 'assigned';
          const pool = shift === 'night' ? places.filter((p) => NIGHT_KINDS.has(p.kind)) : places;
          const n = Math.min(pool.length, rng.int(3, 8));
          let route: Place[];
          let assignees: SeedUser[];
          let draw: Draw | null = null;
          if (organization === 'spot') {
            // 双随机: N places and 2 inspectors drawn from recorded pools with a recorded seed.
            const placePool = pool.filter((p) => p.riskLevel !== 'low').map((p) => p.id);
            const inspectorPool = certified.map((u) => u.id);
            const seed = `${localDate(w.dayStart + d * DAY)}-${grid.region.code}-${rng.hex(3)}`;
            const drawRng = new Rng(hash32(seed), 'draw');
            const picked = new Set(drawRng.sample(placePool, Math.min(n, placePool.length)));
            route = routeOrder(pool.filter((p) => picked.has(p.id)));
            const inspectors = new Set(drawRng.sample(inspectorPool, 2));
            assignees = certified.filter((u) => inspectors.has(u.id));
            draw = {
              seed,
              placePool,
              inspectorPool,
              drawnAt: iso(w.dayStart + (d - 1) * DAY + 16 * HOUR),
              drawnBy: coordinatorOf(w, grid).id,
            };
            if (route.length === 0) continue;
          } else {
            route = routeOrder(rng.sample(pool, n));
            assignees =
              organization === 'joint'
                ? certified.slice(0, 2)
                : workers.length > 1
                  ? rng.weighted({ a: 5, both: 3, b: 2 }) === 'a'
                    ? [workers[0]!]
                    : rng.chance(0.5)
                      ? [...workers]
                      : [workers[1]!]
                  : [workers[0]!];
          }
          makeTask(c, { grid, dayOffset: d, shift, organization, style, unannounced, status, route, assignees, draw });
          if (d === 0) for (const u of assignees) workingToday.add(u.id);
        }
      }
    }
  }

  // Whoever signs in to the demo has a day's work: a grid worker the draws left without a task
  // today gets a routine day patrol of their grid.
  for (const grid of w.regions.grids) {
    const places = w.placesByGrid.get(grid.region.id) ?? [];
    for (const worker of w.workersByGrid.get(grid.region.id)!) {
      if (workingToday.has(worker.id) || places.length === 0) continue;
      const route = routeOrder(rng.sample(places, Math.min(places.length, rng.int(3, 8))));
      makeTask(c, { grid, dayOffset: 0, shift: 'day', organization: 'routine', style: 'open', unannounced: false, status: 'assigned', route, assignees: [worker] });
    }
  }

  // bm01's buildings are on covert, unannounced routes too: done yesterday and planned tomorrow.
  const bm01 = w.buildingManagers[0]!;
  const grid = bm01.grid;
  const others = (w.placesByGrid.get(grid.region.id) ?? []).filter((p) => !bm01.places.includes(p));
  const workers = w.workersByGrid.get(grid.region.id)!;
  for (const [dayOffset, status, shift] of [
    [-1, 'done', 'night'],
    [1, 'assigned', 'night'],
    [2, 'assigned', 'day'],
  ] as const) {
    makeTask(c, {
      grid,
      dayOffset,
      shift,
      organization: 'routine',
      style: 'covert',
      unannounced: true,
      status,
      route: routeOrder([...bm01.places, ...rng.sample(others, 2)]),
      assignees: workers,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Ad hoc patrols, amendments and self-checks

function generateAdHocVisits(c: Ctx): void {
  const { w, rng } = c;
  const count = Math.round(150 * w.scale);
  for (let i = 0; i < count; i++) {
    const grid = rng.pick(w.regions.grids);
    const places = w.placesByGrid.get(grid.region.id) ?? [];
    if (places.length === 0) continue;
    const workers = w.workersByGrid.get(grid.region.id)!;
    const worker = rng.pick(workers);
    const shift: Shift = rng.chance(0.3) ? 'night' : 'day';
    const pool = shift === 'night' ? places.filter((p) => NIGHT_KINDS.has(p.kind)) : places;
    const place = rng.pick(pool.length ? pool : places);
    const day = w.dayStart - rng.int(1, 60) * DAY;
    const started = day + (shift === 'day' ? rng.int(9 * 60, 17 * 60) : rng.int(18 * 60 + 10, 21 * 60 + 20)) * MINUTE;
    const style = rng.chance(0.15) ? 'covert' : 'open';
    addVisit(c, {
      task: null,
      place,
      inspectors: [worker],
      device: worker,
      startedMs: started,
      endedMs: started + rng.int(8, 30) * MINUTE,
      shift,
      style,
      unannounced: style === 'covert' || rng.chance(0.2),
      organization: 'routine',
    });
  }
  // Corrections: a later visit on the same device amends an earlier one.
  const originals = c.visits.filter((v) => v.taskId === null && v.outcome === 'no_issue').slice(0, 2);
  for (const o of originals) {
    const ended = Date.parse(o.endedAt) + 40 * MINUTE;
    c.visits.push({
      ...o,
      id: w.ids.next(),
      startedAt: iso(ended - 5 * MINUTE),
      endedAt: iso(ended),
      note: '更正：补充检查说明，原记录漏填负责人告知情况',
      amendsVisitId: o.id,
    });
  }
}

function generateSelfChecks(c: Ctx): Omit<Visit, 'hash' | 'prevHash'>[] {
  const { w, rng } = c;
  const withIssues: Omit<Visit, 'hash' | 'prevHash'>[] = [];
  for (const bm of w.buildingManagers) {
    bm.places.forEach((place, pi) => {
      let day = w.dayStart - rng.int(45, 60) * DAY;
      let n = 0;
      while (day < w.dayStart - DAY) {
        const issue = (bm === w.buildingManagers[0] && pi === 0 && n === 1) || rng.chance(0.08);
        const started = day + rng.int(9 * 60, 16 * 60) * MINUTE;
        const ended = started + rng.int(5, 15) * MINUTE;
        const content = selfCheckContent(rng, issue);
        const visit: Omit<Visit, 'hash' | 'prevHash'> = {
          id: w.ids.next(),
          taskId: null,
          placeId: place.id,
          subjectIds: [],
          inspectorIds: [bm.user.id],
          shift: 'day',
          shiftOverrideReason: null,
          style: 'open',
          unannounced: false,
          organization: 'routine',
          startedAt: iso(started),
          endedAt: iso(ended),
          position: {
            lat: round(place.lat + rng.float(-0.0002, 0.0002), 6),
            lng: round(place.lng + rng.float(-0.0002, 0.0002), 6),
            accuracy: rng.int(5, 25),
            at: iso(started),
          },
          distanceM: null,
          templateId: CHECKLIST_V1.id,
          templateVersion: CHECKLIST_V1.version,
          answers: content.answers,
          findings: content.findings,
          outcome: issue ? 'issue_found' : 'no_issue',
          note: content.note,
          deviceId: `demo-${bm.user.username}`,
          clockOffsetMs: rng.int(-3000, 3000),
          amendsVisitId: null,
          selfCheck: true,
        };
        visit.distanceM = visit.position
          ? round(distanceM(visit.position.lat, visit.position.lng, place.lat, place.lng), 1)
          : null;
        c.visits.push(visit);
        if (issue) withIssues.push(visit);
        day += rng.int(7, 14) * DAY;
        n++;
      }
    });
  }
  return withIssues;
}

// ---------------------------------------------------------------------------------------------
// Cases

/** The transitions from pending_verification to a target state (a follow-up loop when `loop`). */
function pathTo(target: CaseStatus, loop: boolean, viaUnfounded: boolean): CaseStatus[] {
  const filedPath: CaseStatus[] = ['verifying', 'filed', 'rectifying', 'follow_up'];
  if (loop) filedPath.push('rectifying', 'follow_up');
  switch (target) {
    case 'pending_verification':
      return [];
    case 'verifying':
      return ['verifying'];
    case 'unfounded':
      return ['verifying', 'unfounded'];
    case 'filed':
      return ['verifying', 'filed'];
    case 'rectifying':
      return loop ? [...filedPath.slice(0, 5)] : ['verifying', 'filed', 'rectifying'];
    case 'follow_up':
      return filedPath;
    case 'closed':
      return viaUnfounded ? ['verifying', 'unfounded', 'closed'] : [...filedPath, 'closed'];
  }
}

/** Typical days spent before each transition. */
const STEP_DAYS: Record<CaseStatus, [number, number]> = {
  pending_verification: [0, 0],
  verifying: [0.2, 1.5],
  unfounded: [0.5, 2.5],
  filed: [0.3, 2],
  rectifying: [0.5, 2],
  follow_up: [6, 14],
  closed: [5, 20],
};

const TRANSITION_NOTES: Record<CaseStatus, string[]> = {
  pending_verification: [],
  verifying: ['已受理，指派网格员现场核查', '已分派核查任务'],
  unfounded: ['现场核查未发现培训活动，线索不属实', '经走访核实为家庭亲属辅导，不属实'],
  filed: ['经核实存在违规培训行为，立案查处', '证据确实，移交联合执法立案'],
  rectifying: ['已下达责令整改通知书，限期15日整改', '当事人签署整改承诺书，进入整改期'],
  follow_up: ['整改完成，启动回头看', '整改材料已提交，进入回头看'],
  closed: ['回头看未发现反弹，依法办结', '已处理完毕，予以办结', '经核查不属实，予以办结'],
};

interface CaseSpec {
  source: CaseSource;
  grid: GridInfo;
  place: Place | null;
  reportedMs: number;
  openedBy: SeedUser;
  reportedBy: SeedUser | null;
  summary: string;
  categories: Case['categories'];
  visitId?: string | null;
  target: CaseStatus;
  trackingCode?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
}

function addCase(c: Ctx, s: CaseSpec): Case {
  const { w, rng } = c;
  const coordinator = coordinatorOf(w, s.grid);
  const worker = w.workersByGrid.get(s.grid.region.id)![0]!;
  let kase = newCase({
    id: w.ids.next(),
    source: s.source,
    gridId: s.grid.region.id,
    townshipId: s.grid.township.id,
    summary: s.summary,
    reportedAt: iso(s.reportedMs),
    by: s.openedBy.id,
    reportedBy: s.reportedBy?.id ?? null,
    placeId: s.place?.id ?? null,
    address: s.address ?? s.place?.address ?? null,
    lat: s.lat ?? s.place?.lat ?? null,
    lng: s.lng ?? s.place?.lng ?? null,
    subjectIds: s.place ? (w.subjectsByPlace.get(s.place.id) ?? []).map((x) => x.id) : [],
    categories: s.categories,
    visitId: s.visitId ?? null,
    trackingCode: s.trackingCode ?? null,
    note: s.source === 'citizen_report' ? '群众随手拍，已受理' : null,
  });
  const viaUnfounded = s.target === 'closed' && rng.chance(0.25);
  const path = pathTo(s.target, rng.chance(0.15), viaUnfounded);
  // Step times, squeezed if necessary to end before today.
  const gaps = path.map((st) => rng.float(...STEP_DAYS[st]) * DAY + rng.int(10, 300) * MINUTE);
  const total = gaps.reduce((a, b) => a + b, 0);
  const room = w.dayStart - HOUR - s.reportedMs;
  const k = total > room ? room / total : 1;
  let t = s.reportedMs;
  for (let i = 0; i < path.length; i++) {
    const to = path[i]!;
    t += Math.max(MINUTE, Math.floor(gaps[i]! * k));
    const by = to === 'unfounded' || to === 'follow_up' ? worker : coordinator;
    const note =
      to === 'closed' && path[i - 1] === 'unfounded'
        ? '经核查不属实，予以办结'
        : rng.pick(TRANSITION_NOTES[to].filter((n) => to !== 'closed' || !n.includes('不属实')));
    const r = transitionCase(kase, { to, by: by.id, at: iso(t), note });
    if (!r.ok) throw new Error(r.message);
    kase = r.case;
  }
  if (kase.status === 'closed' && !viaUnfounded) kase.publishable = rng.chance(0.7);
  c.cases.push(kase);
  return kase;
}

/** Targets whose history fits in `ageDays`. */
function targetForAge(rng: Rng, ageDays: number): CaseStatus {
  if (ageDays < 1.5) return rng.weighted<CaseStatus>({ pending_verification: 3, verifying: 2 } as Record<CaseStatus, number>);
  if (ageDays < 5)
    return rng.weighted({ pending_verification: 1, verifying: 3, unfounded: 2, filed: 2 } as Record<CaseStatus, number>);
  if (ageDays < 20)
    return rng.weighted({ verifying: 1, unfounded: 2, filed: 2, rectifying: 4, closed: 1 } as Record<CaseStatus, number>);
  return rng.weighted({ rectifying: 2, follow_up: 3, closed: 6, unfounded: 1 } as Record<CaseStatus, number>);
}

/** How long ago a case of a chosen target state was reported (days). */
const AGE_FOR_TARGET: Record<CaseStatus, [number, number]> = {
  pending_verification: [0.2, 5],
  verifying: [1, 4],
  unfounded: [3, 12],
  filed: [3, 9],
  rectifying: [6, 25],
  follow_up: [25, 45],
  closed: [30, 85],
};

const SOURCE_SUMMARIES: Record<Exclude<CaseSource, 'patrol'>, string[]> = {
  building_manager: ['本楼有住户晚间集中接待学生，疑似开展补课', '楼内出租房每周末有十余名学生进出，疑似培训'],
  citizen_report: ['小区楼下每晚有学生背书包进出某单元，疑似“一对多”补课', '咖啡厅包间长期有老师给学生讲数学题', '酒店房间周末有家长接送孩子上课'],
  hotline_12345: ['12345热线转来：家长反映某机构以托管名义讲授新课', '12345热线转来：举报某在职教师周末有偿补课'],
  online_patrol: ['网络巡查发现微信群发布“一对一家教”招生信息', '短视频平台发布“暑期名师小班”招生广告', '朋友圈发布“众筹私教”拼课信息'],
  transferred: ['市教育局转办：群众举报“假注销、真营运”线索', '上级转办：某家政公司推介“住家教师”服务'],
};
const SOURCE_CATEGORIES: Record<Exclude<CaseSource, 'patrol'>, Case['categories'][]> = {
  building_manager: [['premises_management'], ['location', 'premises_management']],
  citizen_report: [['location'], ['location', 'time']],
  hotline_12345: [['subject'], ['personnel']],
  online_patrol: [['advertising'], ['advertising', 'method']],
  transferred: [['subject'], ['subject', 'content']],
};

function trackingCode(rng: Rng, ms: number): string {
  const chars = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  let tail = '';
  for (let i = 0; i < 6; i++) tail += chars[rng.int(0, chars.length - 1)];
  return `SP${iso(ms).slice(2, 10).replace(/-/g, '')}${tail}`;
}

function generateCases(c: Ctx, selfCheckIssues: Omit<Visit, 'hash' | 'prevHash'>[]): void {
  const { w, rng } = c;
  const gridOfPlace = (p: Place) => w.gridById.get(p.gridId)!;
  const userById = new Map(w.users.map((u) => [u.id, u]));

  // Patrol: every inspector visit with a finding or a refusal opens a case linked to it.
  for (const v of c.visits) {
    if (!CASE_OPENING_OUTCOMES.includes(v.outcome)) continue;
    if (v.amendsVisitId) continue;
    const reporter = userById.get(v.inspectorIds[0]!)!;
    if (reporter.role === 'building_manager') continue;
    const place = w.placeById.get(v.placeId)!;
    const reportedMs = Date.parse(v.endedAt) + rng.int(1, 30) * MINUTE;
    addCase(c, {
      source: 'patrol',
      grid: gridOfPlace(place),
      place,
      reportedMs,
      openedBy: reporter,
      reportedBy: reporter,
      summary: `${place.name}：${v.findings[0]?.description ?? '现场发现问题'}`.slice(0, 4000),
      categories: visitCaseCategories(CHECKLIST_V1, v),
      visitId: v.id,
      target: targetForAge(rng, (w.dayStart - reportedMs) / DAY),
    });
  }

  // Building managers: their self-checks with issues, and one direct report each (cycling states).
  let cycle = 0;
  const nextTarget = () => CASE_STATUSES[cycle++ % CASE_STATUSES.length]!;
  for (const v of selfCheckIssues) {
    const place = w.placeById.get(v.placeId)!;
    const bm = userById.get(v.inspectorIds[0]!)!;
    const reportedMs = Date.parse(v.endedAt) + rng.int(1, 20) * MINUTE;
    addCase(c, {
      source: 'building_manager',
      grid: gridOfPlace(place),
      place,
      reportedMs,
      openedBy: bm,
      reportedBy: bm,
      summary: `${place.name}：${v.findings[0]?.description ?? '自查发现疑似培训'}`,
      categories: visitCaseCategories(CHECKLIST_V1, v),
      visitId: v.id,
      target: targetForAge(rng, (w.dayStart - reportedMs) / DAY),
    });
  }
  for (const bm of w.buildingManagers) {
    const place = bm.places[0];
    if (!place) continue;
    const target = nextTarget();
    const reportedMs = w.dayStart - rng.float(...AGE_FOR_TARGET[target]) * DAY;
    addCase(c, {
      source: 'building_manager',
      grid: bm.grid,
      place,
      reportedMs,
      openedBy: bm.user,
      reportedBy: bm.user,
      summary: `${place.name}：${rng.pick(SOURCE_SUMMARIES.building_manager)}`,
      categories: rng.pick(SOURCE_CATEGORIES.building_manager),
      target,
    });
  }

  // Other sources, each cycling through every state.
  const counts: Record<Exclude<CaseSource, 'patrol' | 'building_manager'>, number> = {
    citizen_report: 14,
    hotline_12345: 10,
    online_patrol: 8,
    transferred: 7,
  };
  for (const [source, base] of Object.entries(counts) as [keyof typeof counts, number][]) {
    const n = Math.max(CASE_STATUSES.length, Math.round(base * w.scale));
    for (let i = 0; i < n; i++) {
      const target = CASE_STATUSES[i % CASE_STATUSES.length]!;
      const grid = rng.pick(w.regions.grids);
      const places = w.placesByGrid.get(grid.region.id) ?? [];
      const reportedMs = w.dayStart - rng.float(...AGE_FOR_TARGET[target]) * DAY;
      const coordinator = coordinatorOf(w, grid);
      const withPlace = source !== 'online_patrol' && places.length > 0 && rng.chance(0.8);
      const place = withPlace ? rng.pick(places) : null;
      const worker = w.workersByGrid.get(grid.region.id)![0]!;
      const opener = source === 'transferred' ? w.admin : source === 'online_patrol' && rng.chance(0.5) ? worker : coordinator;
      let address: string | null = null;
      let lat: number | null = null;
      let lng: number | null = null;
      if (!place && source !== 'online_patrol') {
        const ti = w.regions.townships.indexOf(grid.township);
        address = `${grid.township.name}${rng.pick(STREETS[ti] ?? STREETS[0]!)}${rng.int(1, 260)}号附近`;
        const centre = grid.corners.reduce((a, p) => [a[0] + p[0] / 4, a[1] + p[1] / 4], [0, 0]);
        lng = round(centre[0], 6);
        lat = round(centre[1], 6);
      }
      addCase(c, {
        source,
        grid,
        place,
        reportedMs,
        openedBy: opener,
        reportedBy: source === 'citizen_report' ? null : opener,
        summary: (place ? `${place.name}：` : '') + rng.pick(SOURCE_SUMMARIES[source]),
        categories: rng.pick(SOURCE_CATEGORIES[source]),
        target,
        trackingCode: source === 'citizen_report' ? trackingCode(rng, reportedMs) : null,
        address,
        lat,
        lng,
      });
    }
  }
}

/** Links clue-verification and follow-up tasks to a case of their grid reported before them. */
function linkTasksToCases(c: Ctx): void {
  const { rng } = c;
  const byGrid = new Map<string, Case[]>();
  for (const k of c.cases) byGrid.set(k.gridId, [...(byGrid.get(k.gridId) ?? []), k]);
  for (const t of c.tasks) {
    if (t.organization !== 'clue_verification' && t.organization !== 'follow_up') continue;
    const wanted: CaseStatus[] =
      t.organization === 'clue_verification' ? ['verifying', 'unfounded', 'filed', 'rectifying'] : ['follow_up', 'rectifying', 'closed'];
    const options = (byGrid.get(t.gridId) ?? []).filter(
      (k) => wanted.includes(k.status) && Date.parse(k.reportedAt) < Date.parse(t.windowStart),
    );
    if (options.length) t.caseId = rng.pick(options).id;
  }
}

// ---------------------------------------------------------------------------------------------

/** Orders each device's visits by `endedAt` and chains their hashes. */
async function chainVisits(visits: Omit<Visit, 'hash' | 'prevHash'>[]): Promise<Visit[]> {
  const byDevice = new Map<string, Omit<Visit, 'hash' | 'prevHash'>[]>();
  for (const v of visits) byDevice.set(v.deviceId, [...(byDevice.get(v.deviceId) ?? []), v]);
  const out: Visit[] = [];
  for (const device of [...byDevice.keys()].sort()) {
    const list = byDevice.get(device)!.sort((a, b) => a.endedAt.localeCompare(b.endedAt) || a.id.localeCompare(b.id));
    let prev: string | null = null;
    for (const v of list) {
      const withPrev: Omit<Visit, 'hash'> = { ...v, prevHash: prev };
      const hash = await visitHash(withPrev);
      out.push({ ...withPrev, hash });
      prev = hash;
    }
  }
  return out.sort((a, b) => a.endedAt.localeCompare(b.endedAt) || a.id.localeCompare(b.id));
}

export async function generateActivity(w: DemoWorld): Promise<{ tasks: Task[]; visits: Visit[]; cases: Case[] }> {
  const c: Ctx = { w, rng: w.rng.fork('activity'), tasks: [], visits: [], cases: [] };
  generateTasks(c);
  generateAdHocVisits(c);
  const selfCheckIssues = generateSelfChecks(c);
  generateCases(c, selfCheckIssues);
  linkTasksToCases(c);
  return { tasks: c.tasks, visits: await chainVisits(c.visits), cases: c.cases };
}
