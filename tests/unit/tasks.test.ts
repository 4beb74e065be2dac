import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, type TaskStatus } from '../../src/domain/enums';
import { checkTaskCompletion, isOpenTask, OPEN_TASK_STATUSES, taskMove, taskTiming, unvisitedPlaceIds } from '../../src/domain/tasks';

const ME = '01900000-0000-7000-8000-0000000000a1';
const OTHER = '01900000-0000-7000-8000-0000000000a2';
// 10:00 on 2025-05-13 in Shanghai.
const NOW = new Date('2025-05-13T02:00:00Z');

const task = (status: TaskStatus, assigneeIds: string[] = [ME]) => ({ status, assigneeIds });

describe('open tasks', () => {
  it('counts assigned and in-progress tasks as open, done and cancelled ones not', () => {
    expect([...OPEN_TASK_STATUSES].sort()).toEqual(['assigned', 'in_progress']);
    expect(TASK_STATUSES.filter((status) => isOpenTask({ status }))).toEqual(['assigned', 'in_progress']);
  });
});

describe('task timing (Asia/Shanghai business dates)', () => {
  const at = (dueAt: string, status: 'assigned' | 'done' = 'assigned') => taskTiming({ dueAt, status }, NOW);

  it('counts a task due later today as due today, not overdue', () => {
    expect(at('2025-05-13T18:00:00+08:00')).toEqual({ dueToday: true, overdue: false });
  });
  it('uses the Shanghai date even where UTC is still on the previous day', () => {
    // 01:00 on the 13th in Shanghai is 17:00Z on the 12th.
    const early = new Date('2025-05-12T17:00:00Z');
    expect(taskTiming({ dueAt: '2025-05-13T20:00:00+08:00', status: 'assigned' }, early).dueToday).toBe(true);
    expect(taskTiming({ dueAt: '2025-05-12T20:00:00+08:00', status: 'assigned' }, early)).toEqual({ dueToday: false, overdue: true });
  });
  it('marks a passed due time overdue unless done', () => {
    expect(at('2025-05-13T09:00:00+08:00')).toEqual({ dueToday: true, overdue: true });
    expect(at('2025-05-13T09:00:00+08:00', 'done').overdue).toBe(false);
  });
});

describe('taskMove', () => {
  it('starts an assigned task and completes an assigned or in-progress one', () => {
    expect(taskMove(task('assigned'), 'in_progress', ME)).toEqual({ ok: true });
    expect(taskMove(task('assigned'), 'done', ME)).toEqual({ ok: true });
    expect(taskMove(task('in_progress', [OTHER, ME]), 'done', ME)).toEqual({ ok: true });
  });

  it('refuses anyone but an assignee, before anything else', () => {
    for (const status of TASK_STATUSES) {
      expect(taskMove(task(status, [OTHER]), 'in_progress', ME)).toEqual({
        ok: false,
        code: 'not_assignee',
        message: '您不是该任务的执行人，任务可能已被改派',
      });
    }
  });

  it('refuses a cancelled task either way', () => {
    for (const to of ['in_progress', 'done'] as const) {
      expect(taskMove(task('cancelled'), to, ME)).toEqual({ ok: false, code: 'task_cancelled', message: '该任务已被取消' });
    }
  });

  it('treats a move to where the task already is, and starting a finished task, as a duplicate', () => {
    expect(taskMove(task('in_progress'), 'in_progress', ME)).toEqual({ ok: true, duplicate: true });
    expect(taskMove(task('done'), 'done', ME)).toEqual({ ok: true, duplicate: true });
    expect(taskMove(task('done'), 'in_progress', ME)).toEqual({ ok: true, duplicate: true });
  });

  it('refuses a move out of a status the state machine does not allow', () => {
    // Unknown statuses from a newer server are refused rather than moved.
    expect(taskMove({ status: 'archived', assigneeIds: [ME] }, 'done', ME)).toEqual({
      ok: false,
      code: 'illegal_transition',
      message: '任务当前状态不允许此操作',
    });
    expect(taskMove({ status: 'archived', assigneeIds: [ME] }, 'in_progress', ME)).toMatchObject({ ok: false, code: 'illegal_transition' });
  });
});

describe('completing a task with unvisited places', () => {
  const [P1, P2, P3] = ['01900000-0000-7000-8000-0000000000b1', '01900000-0000-7000-8000-0000000000b2', '01900000-0000-7000-8000-0000000000b3'];
  const route = { placeIds: [P1, P2, P3] };

  it('lists the route places without a visit of the task, in route order', () => {
    expect(unvisitedPlaceIds(route, [P2])).toEqual([P1, P3]);
    expect(unvisitedPlaceIds(route, new Set([P3, P1, P2]))).toEqual([]);
    // A visit elsewhere does not cover a route place.
    expect(unvisitedPlaceIds({ placeIds: [P1] }, [P2])).toEqual([P1]);
  });

  it('needs no note when every place was visited', () => {
    expect(checkTaskCompletion(route, [P1, P2, P3], undefined)).toEqual({ ok: true });
    expect(checkTaskCompletion({ placeIds: [] }, [], null)).toEqual({ ok: true });
  });

  it('needs a note, not a blank one, when places were left unvisited', () => {
    const refused = { ok: false, code: 'completion_note_required', message: '还有 2 处场所没有本任务的检查记录，完成任务须说明原因' };
    expect(checkTaskCompletion(route, [P2], undefined)).toEqual(refused);
    expect(checkTaskCompletion(route, [P2], null)).toEqual(refused);
    expect(checkTaskCompletion(route, [P2], '  ')).toEqual(refused);
    expect(checkTaskCompletion(route, [P2], '两处场所已停业')).toEqual({ ok: true });
  });
});
