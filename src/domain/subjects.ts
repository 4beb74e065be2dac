/**
 * The key-subject ledger rules of SPEC §3 shared by the server, the field client and the seed: which
 * categories fit which kind of subject, and 入账/出账/重新入账 — a new subject enters listed, a listed
 * subject is delisted with a reason, a delisted one relisted with a reason, each change recorded as a
 * ledger event.
 */
import type { LedgerEvent, Subject } from './entities';
import { INSTITUTION_CATEGORIES, PERSON_CATEGORIES, type SubjectCategory, type SubjectKind } from './enums';

/** The categories of each kind (SPEC §3: institutions first, then persons; `other` for both). */
export const CATEGORIES_BY_KIND: Readonly<Record<SubjectKind, readonly SubjectCategory[]>> = {
  institution: [...INSTITUTION_CATEGORIES, 'other'],
  person: [...PERSON_CATEGORIES, 'other'],
};

export function categoryFitsKind(kind: SubjectKind, category: SubjectCategory): boolean {
  return CATEGORIES_BY_KIND[kind].includes(category);
}

/** 出账 (listed → delisted) or 重新入账 (delisted → listed). */
export type ListingChange = 'delist' | 'relist';

/** The fields of a subject a listing change sets. */
export type Listing = Pick<Subject, 'status' | 'listedAt' | 'listedReason' | 'delistedAt' | 'delistedReason'>;

export type ListingRefusal = 'already_delisted' | 'already_listed';

export type ListingResult =
  | { ok: true; listing: Listing; event: LedgerEvent }
  | { ok: false; code: ListingRefusal; message: string };

export const LISTING_MESSAGES: Readonly<Record<ListingRefusal, string>> = {
  already_delisted: '该重点对象已出账',
  already_listed: '该重点对象在册，无需重新入账',
};

/** 入账: a new subject enters the ledger listed, at `at` for `reason`, and not delisted. */
export function entryListing(at: string, reason: string): Listing {
  return { status: 'listed', listedAt: at, listedReason: reason, delistedAt: null, delistedReason: null };
}

/** Null when `subject` may enter the ledger as new: only as listed (a delisting is a change of its own). */
export function entryRefusal(subject: Pick<Subject, 'status'>): { code: 'invalid_args'; message: string } | null {
  return subject.status === 'listed' ? null : { code: 'invalid_args', message: '新登记的重点对象应为在册状态' };
}

/**
 * A listing change of `subject` with its reason, at `at` by `by`: the subject's listing afterwards and
 * the ledger event (id `eventId`) recording it. Delisting keeps when and why the subject was listed;
 * relisting lists it anew and clears the delisting. A change to where the subject already is refused.
 */
export function changeListing(
  subject: Pick<Subject, 'id'> & Listing,
  change: { action: ListingChange; reason: string; at: string; by: string; eventId: string },
): ListingResult {
  const { action, reason, at } = change;
  if (action === 'delist' && subject.status !== 'listed') return { ok: false, code: 'already_delisted', message: LISTING_MESSAGES.already_delisted };
  if (action === 'relist' && subject.status !== 'delisted') return { ok: false, code: 'already_listed', message: LISTING_MESSAGES.already_listed };
  const listing: Listing =
    action === 'delist'
      ? { status: 'delisted', listedAt: subject.listedAt, listedReason: subject.listedReason, delistedAt: at, delistedReason: reason }
      : { status: 'listed', listedAt: at, listedReason: reason, delistedAt: null, delistedReason: null };
  return {
    ok: true,
    listing,
    event: {
      id: change.eventId,
      subjectId: subject.id,
      action,
      at,
      by: change.by,
      reason,
      diff: { status: { from: subject.status, to: listing.status } },
    },
  };
}
