/**
 * What signing in and out needs to know about the device's local data: whose data is local-first,
 * whether this browser can hold it, and what has not reached the server yet.
 */
import type { Role } from '../../domain/enums';
import type { GridPatrolDB } from '../db/database';
import { FIELD_ROLES } from '../routing';

/** Field roles work offline (SPEC §4); the console and county views are online tools. */
export function isLocalFirstRole(role: Role | null | undefined): boolean {
  return role != null && (FIELD_ROLES as readonly Role[]).includes(role);
}

/** Private windows of some browsers and old WebViews have no IndexedDB: nothing can be kept locally. */
export function hasIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined' && indexedDB !== null;
}

export interface UnsentSummary {
  /** Outbox entries the server has not acknowledged. */
  pending: number;
  /** When the oldest of them was saved (ISO), or null. */
  oldestAt: string | null;
}

/** Reads the outbox in one transaction: entries not yet pushed, oldest first by seq. */
export async function unsentSummary(db: GridPatrolDB): Promise<UnsentSummary> {
  return db.transaction('r', db.outbox, async () => {
    // `acked` leads the [acked+seq] index, so `first()` is the oldest entry.
    const query = db.outbox.where('acked').equals(0);
    const [pending, first] = await Promise.all([query.count(), query.first()]);
    return { pending, oldestAt: first?.at ?? null };
  });
}
