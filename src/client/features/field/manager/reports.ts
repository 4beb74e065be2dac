/** The building manager's own reports. */
import type { Case } from '../../../../domain/entities';
import type { GridPatrolDB } from '../../../db/database';

/** Their reports, newest first: the cases they reported as a building manager. */
export async function myReports(db: GridPatrolDB, userId: string, placeId?: string): Promise<Case[]> {
  const rows = placeId ? await db.cases.where('placeId').equals(placeId).toArray() : await db.cases.toArray();
  return rows
    .filter((c) => c.source === 'building_manager' && (c.reportedBy ?? c.events[0]?.by) === userId)
    .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
}
