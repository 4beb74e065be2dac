/** The append-only audit trail (SPEC §9): who, when, which device, what. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

export interface AuditEntry {
  userId: string | null;
  deviceId: string | null;
  action: string;
  entity?: string | null;
  entityId?: string | null;
  details?: Record<string, unknown> | null;
}

export async function audit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(entry)).execute();
}

/** The `audit_log` row of an entry, for a caller that inserts it within a larger statement. */
export function auditRow(entry: AuditEntry) {
  return {
    user_id: entry.userId,
    device_id: entry.deviceId,
    action: entry.action,
    entity: entry.entity ?? null,
    entity_id: entry.entityId ?? null,
    details: entry.details ? JSON.stringify(entry.details) : null,
  };
}

/** The action of the one audit row a push batch writes for its applied mutations. */
export const SYNC_PUSH_ACTION = 'sync.push';

/** One applied mutation in a push batch's audit row. */
export interface AuditedMutation {
  seq: number;
  /** `name@version`. */
  name: string;
  /** When the mutation was made on the device. */
  at: string;
  /** The row it wrote, when it names one. */
  entity: string | null;
  id: string | null;
}

/** `details` of a push batch's audit row (entity `sync_client`, entity_id the client id). */
export interface SyncPushAudit {
  clientId: string;
  firstSeq: number;
  lastSeq: number;
  mutations: AuditedMutation[];
}

export interface AuditRecord {
  at: Date;
  userId: string | null;
  deviceId: string | null;
  /** The entry's action; for a write inside a push batch, `sync.<name@version>` of the mutation. */
  action: string;
  details: Record<string, unknown> | null;
}

/**
 * Every audited write of one row, oldest first: entries naming it directly, and the applied mutations
 * of push batches that wrote it (one audit row per batch lists them). For investigations, not hot paths:
 * the batch rows are matched by jsonb containment without an index.
 */
export async function auditTrail(db: Kysely<Database>, entity: string, entityId: string): Promise<AuditRecord[]> {
  const direct = await db
    .selectFrom('audit_log')
    .select(['id', 'at', 'user_id', 'device_id', 'action', 'details'])
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .execute();
  const batches = await db
    .selectFrom('audit_log')
    .select(['id', 'at', 'user_id', 'device_id', 'action', 'details'])
    .where('action', '=', SYNC_PUSH_ACTION)
    .where(sql<boolean>`details->'mutations' @> ${JSON.stringify([{ entity, id: entityId }])}::jsonb`)
    .execute();
  const out: (AuditRecord & { id: number; order: number })[] = direct.map((r) => ({
    id: Number(r.id),
    order: 0,
    at: r.at,
    userId: r.user_id,
    deviceId: r.device_id,
    action: r.action,
    details: r.details,
  }));
  for (const r of batches) {
    const d = r.details as unknown as SyncPushAudit;
    for (const m of d.mutations) {
      if (m.entity !== entity || m.id !== entityId) continue;
      out.push({
        id: Number(r.id),
        order: m.seq,
        at: r.at,
        userId: r.user_id,
        deviceId: r.device_id,
        action: `sync.${m.name}`,
        details: { clientId: d.clientId, seq: m.seq, at: m.at },
      });
    }
  }
  out.sort((a, b) => a.id - b.id || a.order - b.order);
  return out.map(({ id: _id, order: _order, ...r }) => r);
}
