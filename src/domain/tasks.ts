/**
 * The task rules of SPEC §8 shared by the server, the field client and the console: which tasks are
 * open, when one is due today or overdue (business dates in Asia/Shanghai), and the state machine a
 * task moves through — only by its assignees; a cancelled task never moves; starting a finished
 * task counts as already started — and what completing one needs when places were left unvisited.
 */
import { localDateTime } from './calendar';
import type { Task } from './entities';
import type { TaskStatus } from './enums';

/** The statuses of a task still to be worked on. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ['assigned', 'in_progress'];

const OPEN = new Set<string>(OPEN_TASK_STATUSES);

export function isOpenTask(task: { status: string }): boolean {
  return OPEN.has(task.status);
}

export interface TaskTiming {
  /** `dueAt` falls on today's business date. */
  dueToday: boolean;
  /** `dueAt` has passed and the task is not done. */
  overdue: boolean;
}

export function taskTiming(task: Pick<Task, 'dueAt' | 'status'>, now: Date): TaskTiming {
  const due = Date.parse(task.dueAt);
  return {
    dueToday: localDateTime(due).date === localDateTime(now).date,
    overdue: isOpenTask(task) && due < now.getTime(),
  };
}

/** The statuses a task may move from, per target. */
export const TASK_MOVES_FROM: Readonly<Record<'in_progress' | 'done', readonly TaskStatus[]>> = {
  in_progress: ['assigned'],
  done: ['assigned', 'in_progress'],
};

export type TaskMoveRefusal = 'not_assignee' | 'task_cancelled' | 'illegal_transition';

export type TaskMoveResult = { ok: true; duplicate?: true } | { ok: false; code: TaskMoveRefusal; message: string };

const TASK_MOVE_MESSAGES: Readonly<Record<TaskMoveRefusal, string>> = {
  not_assignee: '您不是该任务的执行人，任务可能已被改派',
  task_cancelled: '该任务已被取消',
  illegal_transition: '任务当前状态不允许此操作',
};

const refuse = (code: TaskMoveRefusal): TaskMoveResult => ({ ok: false, code, message: TASK_MOVE_MESSAGES[code] });

/**
 * Whether `userId` may move `task` to `to`: only an assignee; a cancelled task is refused; a task
 * already there — or already done, when starting — is a duplicate that changes nothing.
 */
export function taskMove(
  task: { status: string; assigneeIds: readonly string[] },
  to: 'in_progress' | 'done',
  userId: string,
): TaskMoveResult {
  if (!task.assigneeIds.includes(userId)) return refuse('not_assignee');
  if (task.status === 'cancelled') return refuse('task_cancelled');
  if (task.status === to || (to === 'in_progress' && task.status === 'done')) return { ok: true, duplicate: true };
  if (!(TASK_MOVES_FROM[to] as readonly string[]).includes(task.status)) return refuse('illegal_transition');
  return { ok: true };
}

/** The places of the route with no visit of the task, in route order. */
export function unvisitedPlaceIds(task: Pick<Task, 'placeIds'>, visitedPlaceIds: Iterable<string>): string[] {
  const visited = new Set(visitedPlaceIds);
  return task.placeIds.filter((id) => !visited.has(id));
}

type TaskCompletionResult = { ok: true } | { ok: false; code: 'completion_note_required'; message: string };

/**
 * Completing a task whose route has places without a visit of the task needs a note saying why: the
 * coordinator reads it with the task. `visitedPlaceIds`: the places with a visit of this task.
 */
export function checkTaskCompletion(
  task: Pick<Task, 'placeIds'>,
  visitedPlaceIds: Iterable<string>,
  note: string | null | undefined,
): TaskCompletionResult {
  const missing = unvisitedPlaceIds(task, visitedPlaceIds).length;
  if (missing === 0 || (note ?? '').trim() !== '') return { ok: true };
  return { ok: false, code: 'completion_note_required', message: `还有 ${missing} 处场所没有本任务的检查记录，完成任务须说明原因` };
}
