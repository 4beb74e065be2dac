import { defineMutation } from '../registry';
import { moveTask } from './task-common';

/** assigned | in_progress → done, by an assignee; a cancelled task is refused. */
export const taskComplete = defineMutation('task.complete@1', {
  handle: (ctx, { taskId, note }) => moveTask(ctx, taskId, 'done', note),
});
