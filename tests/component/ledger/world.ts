/** A signed-in grid worker whose device holds their grid, a few places and a small ledger. */
import 'fake-indexeddb/auto';
import type { VueWrapper } from '@vue/test-utils';
import { openUserDb, type GridPatrolDB } from '../../../src/client/db/database';
import type { Place, Region, Subject } from '../../../src/domain/entities';
import { creditCode, makePlace, makeRegion, makeSubject } from '../../factories';
import { jsonResponse, meOf, storeSession, stubFetch, userOf } from '../fixtures';
import { dropUserDb } from '../support';

export const user = userOf('grid_worker');

export interface LedgerWorld {
  db: GridPatrolDB;
  grid: Region;
  otherGrid: Region;
  places: { sunshine: Place; garden: Place; far: Place };
  subjects: { tutor: Subject; teacher: Subject; care: Subject; elsewhere: Subject };
}

export async function seedLedger(): Promise<LedgerWorld> {
  storeSession('grid_worker', true);
  // The app syncs on start; these screens work on the local database alone, so the server is down.
  stubFetch(() => jsonResponse(503, { error: { code: 'unavailable', message: '服务暂不可用' } }));
  const db = openUserDb(user.id);
  const gridRef = meOf('grid_worker').region;
  const township = makeRegion({ level: 'township', name: '城关镇' });
  const grid = makeRegion({ level: 'grid', id: gridRef.id, parentId: township.id, name: gridRef.name });
  const otherGrid = makeRegion({ level: 'grid', parentId: township.id, name: '西门第2网格' });
  const sunshine = makePlace({ gridId: grid.id, name: '阳光大厦', address: '东门路1号', kind: 'commercial_building' });
  const garden = makePlace({ gridId: grid.id, name: '花园小区', address: '东门路8号', kind: 'residential_compound' });
  const far = makePlace({ gridId: otherGrid.id, name: '西门商场', address: '西门路2号' });
  const tutor = makeSubject({
    gridId: grid.id,
    name: '启航教育咨询有限公司',
    category: 'transformed_institution',
    creditCode: creditCode(101),
    phone: '13812345678',
    placeIds: [sunshine.id],
    riskLevel: 'high',
  });
  const teacher = makeSubject({
    gridId: grid.id,
    kind: 'person',
    name: '王某某',
    category: 'in_service_teacher',
    creditCode: null,
    idNumberMasked: '520302********0617',
    phone: '13987654321',
    placeIds: [garden.id],
    riskLevel: 'low',
    status: 'delisted',
    delistedAt: '2025-05-01T02:00:00.000Z',
    delistedReason: '已调离本地',
  });
  const care = makeSubject({
    gridId: grid.id,
    name: '小太阳托管中心',
    category: 'care_institution',
    creditCode: null,
    phone: null,
    placeIds: [],
    riskLevel: 'medium',
  });
  const elsewhere = makeSubject({ gridId: otherGrid.id, name: '西门培训部', riskLevel: 'high' });
  await db.regions.bulkPut([township, grid, otherGrid]);
  await db.places.bulkPut([sunshine, garden, far]);
  await db.subjects.bulkPut([tutor, teacher, care, elsewhere]);
  await db.users.put(user);
  return { db, grid, otherGrid, places: { sunshine, garden, far }, subjects: { tutor, teacher, care, elsewhere } };
}

export function dropLedger(): Promise<void> {
  return dropUserDb(user.id);
}

export function rowNames(wrapper: VueWrapper): string[] {
  return wrapper.findAll('[data-test="subject-row"] .subject-row__name').map((n) => n.text());
}
