/**
 * "My work" read from the local database: the signed-in worker's open tasks that are due today or
 * overdue (business dates in Asia/Shanghai), with their route progress. Written for SPEC §12's
 * 50 ms budget on a device with 5,000 places and 20,000 visits: tasks through the `assigneeIds`
 * index; progress from the keys of the `[taskId+placeId]` index alone (one key-cursor step per
 * visited place, read in one transaction) — never whole visits, whose answers make them costly to
 * clone, and never a scan (`bench/client.ts` measures it).
 */
import Dexie from 'dexie';
import { localDateTime } from '../../../../domain/calendar';
import type { Place, Region, Subject, Task, Visit } from '../../../../domain/entities';
import type { GridPatrolDB } from '../../../db/database';
import { isOpenTask, taskTiming, type TaskTiming } from '../../../../domain/tasks';
import { draftKey, isDraftState } from '../visit/visitDraft';

export const TASK_FILTERS = ['today', 'overdue', 'night', 'unannounced'] as const;
export type TaskFilter = (typeof TASK_FILTERS)[number];

/** A task of the worker's with its route progress, as read from the device. */
export interface MyTask {
  task: Task;
  /** Route places with a visit of this task on this device. */
  visited: number;
  total: number;
}

/** A task card: the task, its progress and its timing at a given moment. */
export interface TaskCardData extends MyTask {
  timing: TaskTiming;
}

/** Whether a card passes every selected filter (no filter: every card). */
export function matchesFilters(card: Pick<TaskCardData, 'task' | 'timing'>, filters: ReadonlySet<TaskFilter>): boolean {
  for (const f of filters) {
    if (f === 'today' && !card.timing.dueToday) return false;
    if (f === 'overdue' && !card.timing.overdue) return false;
    if (f === 'night' && card.task.shift !== 'night') return false;
    if (f === 'unannounced' && !card.task.unannounced) return false;
  }
  return true;
}

/** The distinct place ids with a visit of `taskId`, from the `[taskId+placeId]` index keys only. */
async function visitedPlaceIds(db: GridPatrolDB, taskId: string): Promise<Set<string>> {
  const keys = await db.visits
    .where('[taskId+placeId]')
    .between([taskId, Dexie.minKey], [taskId, Dexie.maxKey], true, true)
    .uniqueKeys();
  return new Set(keys.map((k) => String((k as unknown[])[1])));
}

/** The worker's open tasks due on or before `today` (a business date), with their route progress. */
export async function loadMyTaskRows(db: GridPatrolDB, userId: string, today: string): Promise<MyTask[]> {
  const [tasks, visited] = await db.transaction('r', db.tasks, db.visits, async () => {
    const mine = (await db.tasks.where('assigneeIds').equals(userId).toArray()).filter(
      (t) => isOpenTask(t) && localDateTime(t.dueAt).date <= today,
    );
    const places = await Promise.all(mine.map((t) => visitedPlaceIds(db, t.id)));
    return [mine, new Map(mine.map((t, i) => [t.id, places[i]!]))] as const;
  });
  return tasks.map((task) => {
    const done = visited.get(task.id);
    const route = new Set(task.placeIds);
    return { task, visited: done ? [...done].filter((id) => route.has(id)).length : 0, total: route.size };
  });
}

/** The cards at `now`: each task's timing, overdue first, then by due time. */
export function taskCards(rows: readonly MyTask[], now: Date): TaskCardData[] {
  return rows
    .map((row) => ({ ...row, timing: taskTiming(row.task, now) }))
    .sort((a, b) => Number(b.timing.overdue) - Number(a.timing.overdue) || a.task.dueAt.localeCompare(b.task.dueAt));
}

/** The worker's open tasks due today or overdue, as cards at `now`. */
export async function loadMyTasks(db: GridPatrolDB, userId: string, now: Date): Promise<TaskCardData[]> {
  return taskCards(await loadMyTaskRows(db, userId, localDateTime(now).date), now);
}

/** Counts for the field home. */
export function countTasks(cards: readonly TaskCardData[]): { dueToday: number; overdue: number } {
  return {
    dueToday: cards.filter((c) => c.timing.dueToday).length,
    overdue: cards.filter((c) => c.timing.overdue).length,
  };
}

export interface RouteStop {
  order: number;
  placeId: string;
  place: Place | null;
  keySubjects: number;
  lastVisitAt: string | null;
  visited: boolean;
  /** The ids of this task's visits at the place (for `task.complete`). */
  visitIds: string[];
  /** A visit of this task at the place was begun and left unfinished: its draft waits on the device. */
  draft: boolean;
}

export interface TaskDetail {
  task: Task;
  stops: RouteStop[];
}

/** A task with its ordered route: each place, its listed key subjects, last visit and visited mark. */
export async function loadTaskDetail(db: GridPatrolDB, taskId: string): Promise<TaskDetail | null> {
  const task = await db.tasks.get(taskId);
  if (!task) return null;
  return { task, stops: await loadRoute(db, task.placeIds, task.id) };
}

export async function loadRoute(db: GridPatrolDB, placeIds: readonly string[], taskId: string | null): Promise<RouteStop[]> {
  const ids = [...placeIds];
  const [places, subjects, placeVisits, taskVisits, drafts] = await Promise.all([
    db.places.bulkGet(ids),
    db.subjects.where('placeIds').anyOf(ids).toArray(),
    db.visits.where('placeId').anyOf(ids).toArray(),
    taskId === null ? Promise.resolve([] as Visit[]) : db.visits.where('taskId').equals(taskId).toArray(),
    // The visit form keeps its draft under the place and task (visitDraft.ts `draftKey`).
    taskId === null ? Promise.resolve([]) : db.meta.bulkGet(ids.map((placeId) => draftKey(placeId, { kind: 'task', taskId }))),
  ]);
  const subjectCount = countListedSubjects(subjects);
  const last = new Map<string, string>();
  for (const v of placeVisits) {
    const prev = last.get(v.placeId);
    if (prev === undefined || v.endedAt > prev) last.set(v.placeId, v.endedAt);
  }
  const byPlace = new Map<string, string[]>();
  for (const v of taskVisits) byPlace.set(v.placeId, [...(byPlace.get(v.placeId) ?? []), v.id]);
  return ids.map((placeId, i) => ({
    order: i + 1,
    placeId,
    place: places[i] ?? null,
    keySubjects: subjectCount.get(placeId) ?? 0,
    lastVisitAt: last.get(placeId) ?? null,
    visited: byPlace.has(placeId),
    visitIds: byPlace.get(placeId) ?? [],
    draft: isDraftState(drafts[i]?.value),
  }));
}

function countListedSubjects(subjects: readonly Subject[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const s of subjects) {
    if (s.status !== 'listed') continue;
    for (const p of s.placeIds) count.set(p, (count.get(p) ?? 0) + 1);
  }
  return count;
}

/** The grids on this device (the user's scope), for boundaries and the tile download. */
export function loadGrids(db: GridPatrolDB): Promise<Region[]> {
  return db.regions.where('level').equals('grid').toArray();
}
