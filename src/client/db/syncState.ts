/** How far a row's local changes have travelled, for views that show it. */
import type { EntityName } from '../../domain/enums';
import { rowKey, type GridPatrolDB } from './database';

export type RowSyncState =
  | { state: 'synced' }
  /** Saved on the device, not yet accepted by the server. */
  | { state: 'pending' }
  /** Accepted by the server; the pull that confirms it has not arrived yet. */
  | { state: 'acked' }
  | { state: 'rejected'; reason: string };

export async function rowSyncState(db: GridPatrolDB, entity: EntityName, id: string): Promise<RowSyncState> {
  const key = rowKey(entity, id);
  const [outbox, rejected] = await Promise.all([
    db.outbox.where('keys').equals(key).toArray(),
    db.rejections.filter((r) => r.keys.includes(key)).first(),
  ]);
  if (rejected) return { state: 'rejected', reason: rejected.reason };
  if (outbox.length === 0) return { state: 'synced' };
  return { state: outbox.every((e) => e.acked === 1) ? 'acked' : 'pending' };
}
