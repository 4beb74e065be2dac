/**
 * What a reader may see of each entity (SPEC §2, §9). The database keeps every value whole — the audit
 * needs them — and each API route and sync scope passes rows through these functions on the way out:
 * redaction happens on read, once, here.
 *
 * - PIPL minimisation: phone numbers are whole for the county admin and masked for every other role,
 *   wherever they appear — a subject's or a colleague's phone, a ledger event's diff of a phone change,
 *   a conflict record of an overwritten phone. A user's own row is theirs to see whole.
 * - Inspectors' notes on a place are internal: a building manager gets their place without them.
 * - A building manager follows their own report but learns nothing about how it is being verified — no
 *   linked visit (it may be covert), no key subjects, no inspectors' names or notes.
 * - The identity of a citizen or hotline reporter never reaches grid workers.
 */
import type { Case, LedgerEvent, Place, Subject, User } from './entities';
import type { CaseSource, Role } from './enums';
import { maskMobile } from './validators';

/** Who reads: the signed-in user. */
export type Reader = Pick<User, 'id' | 'role'>;

/** A phone number as a role may see it. A missing or empty phone passes through. */
export function phoneForRole(role: Role, phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  return role === 'county_admin' ? phone : maskMobile(phone);
}

/** A phone-holding value of unknown shape (a diff side, a conflict value): strings masked, others kept. */
function phoneValueForRole(role: Role, value: unknown): unknown {
  return typeof value === 'string' ? phoneForRole(role, value) : value;
}

export function placeForReader<P extends Pick<Place, 'note'>>(reader: Reader, place: P): P {
  return reader.role === 'building_manager' ? { ...place, note: null } : place;
}

export function subjectForReader<S extends Pick<Subject, 'phone'>>(reader: Reader, subject: S): S {
  return { ...subject, phone: phoneForRole(reader.role, subject.phone) };
}

export function userForReader<U extends Pick<User, 'id' | 'phone'>>(reader: Reader, user: U): U {
  return user.id === reader.id ? user : { ...user, phone: phoneForRole(reader.role, user.phone) };
}

/** A ledger event: the sides of a phone change are masked like the subject's phone. */
export function ledgerEventForReader<E extends Pick<LedgerEvent, 'diff'>>(reader: Reader, event: E): E {
  const phone = event.diff.phone;
  if (!phone) return event;
  return {
    ...event,
    diff: { ...event.diff, phone: { from: phoneValueForRole(reader.role, phone.from), to: phoneValueForRole(reader.role, phone.to) } },
  };
}

/** A conflict record of the per-field merge (SPEC §8): an overwritten phone is masked like any phone. */
export interface FieldConflict {
  field: string;
  overwritten: unknown;
  winner: unknown;
}

export function conflictForReader<C extends FieldConflict>(reader: Reader, conflict: C): C {
  if (conflict.field !== 'phone') return conflict;
  return {
    ...conflict,
    overwritten: phoneValueForRole(reader.role, conflict.overwritten),
    winner: phoneValueForRole(reader.role, conflict.winner),
  };
}

const ANONYMOUS_SOURCES: readonly CaseSource[] = ['citizen_report', 'hotline_12345'];

export function caseForReader(reader: Reader, c: Case): Case {
  if (reader.role === 'building_manager') {
    return {
      ...c,
      visitId: null,
      subjectIds: [],
      events: c.events
        .filter((e) => e.by === reader.id || e.to !== undefined)
        .map((e) => (e.by === reader.id ? e : { at: e.at, by: e.by, action: e.action, to: e.to, note: null, evidence: [] })),
    };
  }
  if (reader.role === 'grid_worker' && ANONYMOUS_SOURCES.includes(c.source)) {
    return { ...c, reportedBy: null, trackingCode: null };
  }
  return c;
}
