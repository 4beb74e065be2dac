/** The building manager's own reports and where a new one belongs (grid and township). */
import type { Case } from '../../../../domain/entities';
import type { RegionRef } from '../../../../domain/api';
import type { GridPatrolDB } from '../../../db/database';
import { townshipOf as localTownshipOf } from '../../../db/repositories';

/** Their reports, newest first: the cases they reported as a building manager. */
export async function myReports(db: GridPatrolDB, userId: string, placeId?: string): Promise<Case[]> {
  const rows = placeId ? await db.cases.where('placeId').equals(placeId).toArray() : await db.cases.toArray();
  return rows
    .filter((c) => c.source === 'building_manager' && (c.reportedBy ?? c.events[0]?.by) === userId)
    .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
}

/** The township above a grid, from the local regions or, failing that, the user's scope path. */
export async function townshipOf(db: GridPatrolDB, gridId: string, path: readonly RegionRef[]): Promise<string | null> {
  return (await localTownshipOf(db, gridId)) ?? path.find((r) => r.level === 'township')?.id ?? null;
}
