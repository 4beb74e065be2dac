/** A signed-in user's local database with a small region chain, places and a template. */
import 'fake-indexeddb/auto';
import { makePlace, makeRegion, makeTemplate, makeVisit } from '../../factories';
import { uuidv7 } from '../../../src/domain/ids';
import type { Place, Region } from '../../../src/domain/entities';
import { openUserDb, type GridPatrolDB } from '../../../src/client/db/database';
import type { VisitDraft } from '../../../src/client/db/repositories';

export interface LocalWorld {
  db: GridPatrolDB;
  userId: string;
  county: Region;
  township: Region;
  community: Region;
  grid: Region;
  otherGrid: Region;
  place: Place;
  otherPlace: Place;
  templateId: string;
}

export function world(): Omit<LocalWorld, 'db'> {
  const userId = uuidv7();
  const county = makeRegion({ level: 'county' });
  const township = makeRegion({ level: 'township', parentId: county.id });
  const community = makeRegion({ level: 'community', parentId: township.id });
  const grid = makeRegion({ level: 'grid', parentId: community.id });
  const otherGrid = makeRegion({ level: 'grid', parentId: community.id });
  const place = makePlace({ gridId: grid.id, name: '阳光大厦' });
  const otherPlace = makePlace({ gridId: otherGrid.id, name: '东门小区' });
  return { userId, county, township, community, grid, otherGrid, place, otherPlace, templateId: makeTemplate().id };
}

/** Opens a fresh database for a new user and fills it with the world's rows. */
export async function seededDb(): Promise<LocalWorld> {
  const w = world();
  const db = openUserDb(w.userId);
  await db.regions.bulkPut([w.county, w.township, w.community, w.grid, w.otherGrid]);
  await db.places.bulkPut([w.place, w.otherPlace]);
  await db.templates.put(makeTemplate({ id: w.templateId }));
  return { ...w, db };
}

export function visitDraft(w: Pick<LocalWorld, 'userId' | 'place' | 'templateId'>, o: Partial<VisitDraft> = {}): VisitDraft {
  const { hash: _h, prevHash: _p, ...draft } = makeVisit({ placeId: w.place.id, inspectorIds: [w.userId], templateId: w.templateId });
  return { ...draft, ...o };
}
