/** Conflict records of the per-field merge, for the coordinator (SPEC §8), newest first. */
import type { Kysely } from 'kysely';
import { conflictForReader } from '../../domain/redaction';
import type { Database } from '../db/schema';
import { iso } from '../db/time';
import { inScope } from '../scope/filters';
import type { Viewer } from '../scope/viewer';

export interface SyncConflict {
  id: string;
  entity: string;
  rowId: string;
  field: string;
  overwritten: unknown;
  winner: unknown;
  baseVersion: number;
  userId: string | null;
  at: string;
}

export async function listConflicts(db: Kysely<Database>, viewer: Viewer, limit: number, beforeId: string | null): Promise<SyncConflict[]> {
  if (viewer.scope.kind === 'manager') return [];
  let q = db.selectFrom('sync_conflict').selectAll().where(inScope(viewer.scope, 'sync_conflict')).orderBy('id', 'desc').limit(limit);
  if (beforeId) q = q.where('id', '<', beforeId);
  const rows = await q.execute();
  return rows.map((r) =>
    conflictForReader(viewer.user, {
      id: String(r.id),
      entity: r.entity,
      rowId: r.row_id,
      field: r.field,
      overwritten: r.overwritten,
      winner: r.winner,
      baseVersion: r.base_version,
      userId: r.user_id,
      at: iso(r.at),
    }),
  );
}
