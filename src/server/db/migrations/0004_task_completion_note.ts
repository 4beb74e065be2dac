/**
 * Migration 4: a task finished with places of its route unvisited keeps the assignee's reason
 * (`task.complete@1` `note`), so the coordinator reviewing it sees why.
 */
import type { Migration } from '../migrate';

export const migration: Migration = {
  id: 4,
  name: 'task_completion_note',
  statements: [`ALTER TABLE tasks ADD COLUMN completion_note text`],
};
