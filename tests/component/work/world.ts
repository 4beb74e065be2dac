/** A grid worker's local database with places, tasks and visits, for the "my work" screens. */
import 'fake-indexeddb/auto';
import type { Place, Task } from '../../../src/domain/entities';
import { openUserDb, type GridPatrolDB } from '../../../src/client/db/database';
import { makePlace, makeRegion, makeSubject, makeTask, makeTemplate, makeVisit } from '../../factories';
import { storeSession, userOf } from '../fixtures';

export const ME = userOf('grid_worker');
/** 2025-05-13 10:00 in Asia/Shanghai, but 2025-05-13T02:00Z. */
export const NOW = new Date('2025-05-13T02:00:00Z');

export interface WorkWorld {
  db: GridPatrolDB;
  places: Place[];
  tasks: Record<'today' | 'todayNight' | 'overdue' | 'future' | 'done' | 'others', Task>;
}

export async function workWorld(): Promise<WorkWorld> {
  storeSession('grid_worker', true);
  const db = openUserDb(ME.id);
  const township = makeRegion({ level: 'township' });
  const grid = makeRegion({
    level: 'grid',
    parentId: township.id,
    boundary: { type: 'Polygon', coordinates: [[[106.92, 27.69], [106.94, 27.69], [106.94, 27.71], [106.92, 27.71], [106.92, 27.69]]] },
  });
  const places = ['阳光大厦', '东门小区', '学府咖啡', '金桥酒店'].map((name, i) =>
    makePlace({ gridId: grid.id, name, riskLevel: i === 0 ? 'high' : 'low', lat: 27.7 + i * 0.001, lng: 106.93 }),
  );
  const template = makeTemplate();
  const base = { townshipId: township.id, gridId: grid.id, assigneeIds: [ME.id], createdBy: ME.id };
  const tasks = {
    // Due 18:00 today (Shanghai).
    today: makeTask({ ...base, title: '日查路线', placeIds: [places[2]!.id, places[0]!.id, places[1]!.id], dueAt: '2025-05-13T18:00:00+08:00' }),
    todayNight: makeTask({
      ...base,
      title: '夜查暗访',
      placeIds: [places[3]!.id],
      shift: 'night',
      style: 'covert',
      unannounced: true,
      dueAt: '2025-05-13T23:30:00+08:00',
    }),
    // Due yesterday 20:00 Shanghai = 12:00Z on the 12th.
    overdue: makeTask({ ...base, title: '逾期回头看', placeIds: [places[1]!.id], organization: 'follow_up', dueAt: '2025-05-12T20:00:00+08:00', status: 'in_progress' }),
    future: makeTask({ ...base, title: '明天的任务', placeIds: [places[0]!.id], dueAt: '2025-05-14T09:00:00+08:00' }),
    done: makeTask({ ...base, title: '已完成的任务', placeIds: [places[0]!.id], dueAt: '2025-05-13T09:00:00+08:00', status: 'done' }),
    others: makeTask({ ...base, assigneeIds: ['0190a000-0000-7000-8000-0000000000b2'], title: '别人的任务', placeIds: [places[0]!.id] }),
  };
  await db.regions.bulkPut([township, grid]);
  await db.places.bulkPut(places);
  await db.templates.put(template);
  await db.tasks.bulkPut(Object.values(tasks));
  await db.subjects.bulkPut([
    makeSubject({ gridId: grid.id, placeIds: [places[0]!.id], name: '某培训工作室' }),
    makeSubject({ gridId: grid.id, placeIds: [places[0]!.id], name: '已出账机构', status: 'delisted', delistedAt: '2025-05-01T00:00:00+08:00', delistedReason: '已关闭' }),
  ]);
  await db.visits.bulkPut([
    // The today task's visit at its 2nd route place; an ad-hoc older visit at the 3rd.
    makeVisit({ placeId: places[0]!.id, taskId: tasks.today.id, inspectorIds: [ME.id], templateId: template.id, endedAt: '2025-05-13T09:40:00+08:00' }),
    makeVisit({ placeId: places[1]!.id, inspectorIds: [ME.id], templateId: template.id, endedAt: '2025-05-02T15:00:00+08:00' }),
  ]);
  return { db, places, tasks };
}
