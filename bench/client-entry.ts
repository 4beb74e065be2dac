/**
 * The in-page half of the client benchmark (bench/client.ts): bundled on its own (IIFE, global
 * `__gpBench`) and evaluated in a same-origin page of the built app, it runs the app's REAL task-list
 * query (`loadMyTasks`) and visit save (`submitVisit`) against Chromium's IndexedDB. Nothing here is
 * part of the production build.
 */
import type { ChecklistItem, ChecklistTemplate, Place, Region, Task, Visit } from '../src/domain/entities';
import { PLACE_KINDS } from '../src/domain/enums';
import { uuidv7 } from '../src/domain/ids';
import { applicableItems } from '../src/domain/rules';
import { openUserDb } from '../src/client/db/database';
import { submitVisit, type VisitDraft } from '../src/client/db/repositories';
import { loadMyTasks } from '../src/client/features/field/work/tasks';

export interface FillCounts {
  places: number;
  visits: number;
  tasks: number;
}

export interface FillResult {
  places: number;
  visits: number;
  tasks: number;
  myTasks: number;
  openDueTasks: number;
  ms: number;
}

const DAY = 24 * 60 * 60 * 1000;
const CHUNK = 1000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function hex64(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An ISO instant with the business offset (+08:00), as the app stores them. */
function iso(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
}

function nonViolating(item: ChecklistItem): Visit['answers'][number]['value'] {
  switch (item.kind) {
    case 'yesno':
      return typeof item.violationWhen === 'boolean' ? !item.violationWhen : false;
    case 'choice':
      return item.options?.find((o) => o !== item.violationWhen) ?? item.options?.[0] ?? null;
    case 'number':
      return 0;
    case 'time':
      return '10:00';
    case 'text':
      return '无';
    default:
      return null;
  }
}

function answersFor(template: ChecklistTemplate, place: Pick<Place, 'kind'>): Visit['answers'] {
  return applicableItems(template, { placeKind: place.kind, shift: 'day', answers: [], selfCheck: false })
    .map((item) => ({ itemCode: item.code, value: nonViolating(item), evidence: [] }))
    .filter((a) => a.value !== null);
}

async function context(userId: string) {
  const db = openUserDb(userId);
  await db.open();
  const [grids, templates, user] = await Promise.all([
    db.regions.where('level').equals('grid').toArray(),
    db.templates.toArray(),
    db.users.get(userId),
  ]);
  const grid: Region | undefined = grids.find((g) => g.id === user?.regionId) ?? grids[0];
  if (!grid) throw new Error('no grid on the device: sync first');
  const template = templates.find((t) => t.code !== 'self_check' && !t.appliesTo.placeKinds) ?? templates[0];
  if (!template) throw new Error('no checklist template on the device: sync first');
  const township = grid.parentId ? await db.regions.get(grid.parentId) : undefined;
  return { db, grid, template, townshipId: township?.level === 'township' ? township.id : (grid.parentId ?? grid.id) };
}

/**
 * Fills the user's database up to `counts`: places in the user's grid, tasks assigned to the user
 * (most of them done and in the past, a few open and due today or overdue, some in the future) and
 * visits spread over the places, 60 % of them made on one of the tasks.
 */
export async function fill(userId: string, counts: FillCounts): Promise<FillResult> {
  const t0 = performance.now();
  const { db, grid, template, townshipId } = await context(userId);
  const now = Date.now();

  const places: Place[] = Array.from({ length: counts.places }, (_, i) => ({
    id: uuidv7(now - counts.places + i),
    gridId: grid.id,
    kind: PLACE_KINDS[i % PLACE_KINDS.length]!,
    name: `基准场所${i + 1}`,
    address: `基准路${i + 1}号`,
    lat: 27.7 + (i % 100) * 0.0005,
    lng: 106.9 + Math.floor(i / 100) * 0.0005,
    managerIds: [],
    riskLevel: (['high', 'medium', 'low'] as const)[i % 3]!,
    tags: [],
    note: null,
    version: 1,
  }));

  // 300 tasks: every 20th open and due today or yesterday (15), every 20th+1 in the future, the rest done.
  const tasks: Task[] = Array.from({ length: counts.tasks }, (_, i) => {
    const open = i % 20 === 0;
    const future = i % 20 === 1;
    const due = open ? now - (i % 40 === 0 ? 0 : DAY) + 2 * 3600_000 : future ? now + (1 + (i % 7)) * DAY : now - (2 + i) * DAY;
    const placeIds = Array.from({ length: 8 }, (_, k) => places[(i * 8 + k) % places.length]!.id);
    return {
      id: uuidv7(now - counts.tasks + i),
      townshipId,
      gridId: grid.id,
      title: `基准任务${i + 1}`,
      assigneeIds: [userId],
      placeIds,
      shift: i % 4 === 0 ? 'night' : 'day',
      style: i % 3 === 0 ? 'covert' : 'open',
      unannounced: i % 2 === 0,
      organization: 'routine',
      departments: [],
      windowStart: iso(due - 8 * 3600_000),
      windowEnd: iso(due),
      dueAt: iso(due),
      status: open ? (i % 40 === 0 ? 'assigned' : 'in_progress') : future ? 'assigned' : 'done',
      caseId: null,
      draw: null,
      createdBy: userId,
      version: 1,
    };
  });

  const baseVisit = {
    subjectIds: [],
    inspectorIds: [userId],
    shift: 'day' as const,
    style: 'open' as const,
    unannounced: false,
    organization: 'routine' as const,
    templateId: template.id,
    templateVersion: template.version,
    findings: [],
    outcome: 'no_issue' as const,
    note: null,
    deviceId: 'bench-other-device',
    clockOffsetMs: 0,
  };
  const placeById = new Map(places.map((p) => [p.id, p]));
  const answersByKind = new Map(PLACE_KINDS.map((k) => [k, answersFor(template, { kind: k })]));
  const visits: Visit[] = Array.from({ length: counts.visits }, (_, i) => {
    const onTask = i % 5 < 3;
    const task = onTask ? tasks[i % tasks.length]! : null;
    const place = task ? placeById.get(task.placeIds[i % task.placeIds.length]!)! : places[i % places.length]!;
    const ended = now - (1 + (i % 365)) * DAY;
    return {
      ...baseVisit,
      id: uuidv7(ended),
      taskId: task?.id ?? null,
      placeId: place.id,
      startedAt: iso(ended - 20 * 60_000),
      endedAt: iso(ended),
      position: { lat: place.lat, lng: place.lng, accuracy: 12, at: iso(ended - 19 * 60_000) },
      distanceM: 8,
      answers: answersByKind.get(place.kind) ?? [],
      hash: hex64(),
      prevHash: null,
    };
  });

  for (let i = 0; i < places.length; i += CHUNK) await db.places.bulkPut(places.slice(i, i + CHUNK));
  for (let i = 0; i < tasks.length; i += CHUNK) await db.tasks.bulkPut(tasks.slice(i, i + CHUNK));
  for (let i = 0; i < visits.length; i += CHUNK) await db.visits.bulkPut(visits.slice(i, i + CHUNK));

  const mine = await db.tasks.where('assigneeIds').equals(userId).toArray();
  return {
    places: await db.places.count(),
    visits: await db.visits.count(),
    tasks: await db.tasks.count(),
    myTasks: mine.length,
    openDueTasks: (await loadMyTasks(db, userId, new Date())).length,
    ms: performance.now() - t0,
  };
}

export interface Timing {
  ms: number;
  firstMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

function timing(times: readonly number[]): Timing {
  return { ms: median(times), firstMs: times[0]!, minMs: Math.min(...times), maxMs: Math.max(...times), runs: times.length };
}

/** `loadMyTasks` — the query behind the task list — `runs` times on an open database. */
export async function taskListQuery(userId: string, runs: number): Promise<Timing & { cards: number }> {
  const db = openUserDb(userId);
  await db.open();
  const times: number[] = [];
  let cards = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    cards = (await loadMyTasks(db, userId, new Date())).length;
    times.push(performance.now() - t);
  }
  return { ...timing(times), cards };
}

/** `submitVisit` — visit row, chain meta and outbox entry in one transaction — `runs` distinct visits. */
export async function visitSave(userId: string, deviceId: string, runs: number): Promise<Timing & { outboxAdded: number }> {
  const { db, template } = await context(userId);
  const cards = await loadMyTasks(db, userId, new Date());
  const task = cards[0]?.task ?? null;
  const placeIds = task ? task.placeIds : (await db.places.limit(runs).primaryKeys());
  const places = (await db.places.bulkGet([...placeIds])).filter((p): p is Place => p !== undefined);
  if (places.length === 0) throw new Error('no place to visit');
  const outboxBefore = await db.outbox.count();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const place = places[i % places.length]!;
    const ended = Date.now();
    const draft: VisitDraft = {
      id: uuidv7(),
      taskId: task?.id ?? null,
      placeId: place.id,
      subjectIds: [],
      inspectorIds: [userId],
      shift: 'day',
      style: task?.style ?? 'open',
      unannounced: task?.unannounced ?? false,
      organization: task?.organization ?? 'routine',
      startedAt: iso(ended - 15 * 60_000),
      endedAt: iso(ended),
      position: { lat: place.lat, lng: place.lng, accuracy: 10, at: iso(ended - 14 * 60_000) },
      distanceM: 5,
      templateId: template.id,
      templateVersion: template.version,
      answers: answersFor(template, place),
      findings: [],
      outcome: 'no_issue',
      note: null,
      deviceId,
      clockOffsetMs: 0,
    };
    const t = performance.now();
    await submitVisit(db, draft);
    times.push(performance.now() - t);
  }
  return { ...timing(times), outboxAdded: (await db.outbox.count()) - outboxBefore };
}
