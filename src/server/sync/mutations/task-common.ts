/**
 * Task intents (SPEC §8): a task changes only through its state machine, by its assignees. A building
 * manager never learns that a task exists: a task they may not see is "not found", like a missing one.
 */
import { taskMove } from '../../../domain/tasks';
import type { TaskRow } from '../../db/schema';
import { keysInScope } from '../access';
import { Rejection, type MutationContext, type MutationOutcome } from '../registry';

/** `check`: what the move needs besides the state machine, run on the locked task once that allows it. */
export async function moveTask(
  ctx: MutationContext,
  taskId: string,
  to: 'in_progress' | 'done',
  note?: string,
  check?: (task: TaskRow) => Promise<void>,
): Promise<MutationOutcome> {
  const task: TaskRow | undefined = await ctx.trx.selectFrom('tasks').selectAll().where('id', '=', taskId).forUpdate().executeTakeFirst();
  ctx.load.invalidate('task', taskId);
  if (!task || !keysInScope(ctx.viewer, task)) throw new Rejection('task_not_found', '任务不存在或不在您的管辖范围内');
  const move = taskMove({ status: task.status, assigneeIds: task.assignee_ids }, to, ctx.viewer.user.id);
  if (!move.ok) throw new Rejection(move.code, move.message);
  const outcome: MutationOutcome = { entity: 'task', entityId: taskId };
  if (move.duplicate) return { ...outcome, status: 'duplicate' };
  await check?.(task);
  await ctx.trx
    .updateTable('tasks')
    .set((eb) => ({ status: to, version: eb('version', '+', 1), ...(note ? { completion_note: note } : {}) }))
    .where('id', '=', taskId)
    .execute();
  return outcome;
}
