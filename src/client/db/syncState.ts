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

/**
 * The ids among `ids` whose row has a change saved on the device and not yet accepted by the server
 * (`pending` above), for lists: read through the outbox's `keys` index and its primary keys only,
 * never the entries' arguments.
 */
export async function pendingRowIds(db: GridPatrolDB, entity: EntityName, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (ids.length === 0) return out;
  const unsent = new Set(await db.outbox.where('acked').equals(0).primaryKeys());
  if (unsent.size === 0) return out;
  const prefix = rowKey(entity, '');
  await db.outbox
    .where('keys')
    .anyOf(ids.map((id) => rowKey(entity, id)))
    .eachKey((key, cursor) => {
      if (typeof key === 'string' && unsent.has(cursor.primaryKey)) out.add(key.slice(prefix.length));
    });
  return out;
}
