/**
 * Task intents (SPEC §8): a task changes only through its state machine, by its assignees. A building
 * manager never learns that a task exists: a task they may not see is "not found", like a missing one.
 */
import type { TaskRow } from '../../db/schema';
import { keysInScope } from '../access';
import { Rejection, type MutationContext, type MutationOutcome } from '../registry';

export async function moveTask(
  ctx: MutationContext,
  taskId: string,
  from: readonly string[],
  to: 'in_progress' | 'done',
  note?: string,
): Promise<MutationOutcome> {
  const task: TaskRow | undefined = await ctx.trx.selectFrom('tasks').selectAll().where('id', '=', taskId).forUpdate().executeTakeFirst();
  ctx.load.invalidate('task', taskId);
  if (!task || !keysInScope(ctx.viewer, task)) throw new Rejection('task_not_found', '任务不存在或不在您的管辖范围内');
  if (!task.assignee_ids.includes(ctx.viewer.user.id)) throw new Rejection('not_assignee', '您不是该任务的执行人，任务可能已被改派');
  const outcome: MutationOutcome = { entity: 'task', entityId: taskId };
  if (task.status === 'cancelled') throw new Rejection('task_cancelled', '该任务已被取消');
  if (task.status === to || (to === 'in_progress' && task.status === 'done')) return { ...outcome, status: 'duplicate' };
  if (!from.includes(task.status)) throw new Rejection('illegal_transition', `任务当前状态不允许此操作`);
  await ctx.trx
    .updateTable('tasks')
    .set((eb) => ({ status: to, version: eb('version', '+', 1), ...(note ? { completion_note: note } : {}) }))
    .where('id', '=', taskId)
    .execute();
  return outcome;
}
