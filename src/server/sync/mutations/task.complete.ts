import { checkTaskCompletion } from '../../../domain/tasks';
import type { TaskRow } from '../../db/schema';
import { defineMutation, Rejection, type MutationContext } from '../registry';
import { moveTask } from './task-common';

/**
 * assigned | in_progress → done, by an assignee; a cancelled task is refused. Places of the route
 * without a stored visit of the task (this batch's visits are stored before it runs) need a note.
 */
export const taskComplete = defineMutation('task.complete@1', {
  handle: (ctx, { taskId, note }) =>
    moveTask(ctx, taskId, 'done', note, async (task) => {
      const done = checkTaskCompletion({ placeIds: task.place_ids }, await visitedPlaceIds(ctx, task), note);
      if (!done.ok) throw new Rejection(done.code, done.message);
    }),
});

/** The route's places with a visit of the task, read in the batch transaction (by the place index). */
async function visitedPlaceIds(ctx: MutationContext, task: TaskRow): Promise<string[]> {
  if (task.place_ids.length === 0) return [];
  const rows = await ctx.trx
    .selectFrom('visits')
    .select('place_id')
    .distinct()
    .where('place_id', 'in', task.place_ids)
    .where('task_id', '=', task.id)
    .execute();
  return rows.map((r) => r.place_id);
}
