import { defineMutation } from '../registry';
import { moveTask } from './task-common';

/** assigned → in_progress, by an assignee; starting a started or finished task changes nothing. */
export const taskStart = defineMutation('task.start@1', {
  handle: (ctx, { taskId }) => moveTask(ctx, taskId, 'in_progress'),
});
