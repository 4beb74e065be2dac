/** The append-only audit trail (SPEC §9): who, when, which device, what. */
import type { Kysely } from 'kysely';
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
  await db
    .insertInto('audit_log')
    .values({
      user_id: entry.userId,
      device_id: entry.deviceId,
      action: entry.action,
      entity: entry.entity ?? null,
      entity_id: entry.entityId ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute();
}
