import type { Insertable } from 'kysely';
import type { Task } from '../../domain/entities';
import type { Shift, TaskOrganization, TaskStatus, TaskStyle } from '../../domain/enums';
import type { TaskRow, TasksTable } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';
import { iso } from '../db/time';

export function taskFromRow(r: TaskRow): Task {
  return {
    id: r.id,
    townshipId: r.township_id!,
    gridId: r.grid_id!,
    title: r.title,
    assigneeIds: r.assignee_ids,
    placeIds: r.place_ids,
    shift: r.shift as Shift,
    style: r.style as TaskStyle,
    unannounced: r.unannounced,
    organization: r.organization as TaskOrganization,
    departments: r.departments,
    windowStart: iso(r.window_start),
    windowEnd: iso(r.window_end),
    dueAt: iso(r.due_at),
    status: r.status as TaskStatus,
    caseId: r.case_id,
    draw: (r.draw as Task['draw']) ?? null,
    createdBy: r.created_by,
    ...(r.completion_note ? { completionNote: r.completion_note } : {}),
    version: r.version,
  };
}

export function taskToRow(e: Task, keys: ScopeKeys): Insertable<TasksTable> {
  return {
    id: e.id,
    title: e.title,
    assignee_ids: e.assigneeIds,
    place_ids: e.placeIds,
    shift: e.shift,
    style: e.style,
    unannounced: e.unannounced,
    organization: e.organization,
    departments: e.departments,
    window_start: e.windowStart,
    window_end: e.windowEnd,
    due_at: e.dueAt,
    status: e.status,
    case_id: e.caseId ?? null,
    draw: e.draw ? JSON.stringify(e.draw) : null,
    created_by: e.createdBy,
    completion_note: e.completionNote ?? null,
    version: e.version,
    ...keys,
  };
}
