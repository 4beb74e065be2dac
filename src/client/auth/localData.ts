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

/** The outbox entries not yet pushed and the oldest of them, in one read: for sign-out, and live in the sync store. */
export async function unsentSummary(db: GridPatrolDB): Promise<UnsentSummary> {
  return db.transaction('r', db.outbox, async () => {
    // A collection per read: `first()` limits the collection it is called on. `acked` leads the
    // [acked+seq] index, so `first()` is the oldest entry.
    const unsent = () => db.outbox.where('acked').equals(0);
    const [pending, first] = await Promise.all([unsent().count(), unsent().first()]);
    return { pending, oldestAt: first?.at ?? null };
  });
}
