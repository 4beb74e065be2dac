/** Which grids the signed-in user keeps a ledger for, read from the local regions. */
import type { Place } from '../../../../domain/entities';
import { gridsUnder } from '../../../../domain/scopes';
import { byName } from '../../../components/format';
import type { GridPatrolDB } from '../../../db/database';

/**
 * The grid ids at or below `rootId` among the regions on the device. A grid worker's root is their
 * grid; before the first sync has brought the regions, the root itself is the best guess.
 */
export async function gridIdsOf(db: GridPatrolDB, rootId: string): Promise<string[]> {
  const regions = await db.regions.toArray();
  return regions.some((r) => r.id === rootId) ? gridsUnder(rootId, regions) : [rootId];
}

export interface GridPlaces {
  grids: { id: string; name: string }[];
  places: Place[];
}

/** The grids and their places that a ledger form offers (call inside a live query). */
export async function readGridPlaces(db: GridPatrolDB, gridIds: readonly string[]): Promise<GridPlaces> {
  const regions = await db.regions.bulkGet([...gridIds]);
  const places = await db.places.where('gridId').anyOf([...gridIds]).toArray();
  places.sort(byName);
  return { grids: gridIds.map((id, i) => ({ id, name: regions[i]?.name ?? id })), places };
}
