import { describe, expect, it } from 'vitest';
import { ledgerEventSchema } from '../../src/domain/entities';
import { SUBJECT_CATEGORIES, SUBJECT_KINDS } from '../../src/domain/enums';
import { CATEGORIES_BY_KIND, categoryFitsKind, changeListing, entryListing, entryRefusal, type Listing } from '../../src/domain/subjects';

const SUBJECT = '01900000-0000-7000-8000-0000000000d1';
const EVENT = '01900000-0000-7000-8000-0000000000e1';
const ME = '01900000-0000-7000-8000-0000000000a1';
const AT = '2026-03-12T09:00:00+08:00';

const listed: Listing = { status: 'listed', listedAt: '2026-01-05T10:00:00+08:00', listedReason: '已转型学科类机构', delistedAt: null, delistedReason: null };
const delisted: Listing = { ...listed, status: 'delisted', delistedAt: '2026-02-01T10:00:00+08:00', delistedReason: '已停业' };

describe('categories per kind', () => {
  it('gives every category a kind, and only `other` both', () => {
    for (const c of SUBJECT_CATEGORIES) {
      const kinds = SUBJECT_KINDS.filter((k) => categoryFitsKind(k, c));
      expect(kinds, c).toEqual(c === 'other' ? ['institution', 'person'] : [expect.any(String)]);
    }
    expect(CATEGORIES_BY_KIND.person).toEqual(['in_service_teacher', 'laid_off_trainer', 'individual_with_record', 'other']);
  });

  it('refuses an institution category for a person and a person category for an institution', () => {
    expect(categoryFitsKind('person', 'transformed_institution')).toBe(false);
    expect(categoryFitsKind('institution', 'in_service_teacher')).toBe(false);
    expect(categoryFitsKind('institution', 'housekeeping_company')).toBe(true);
  });
});

describe('changeListing', () => {
  const change = (action: 'delist' | 'relist', reason: string) => ({ action, reason, at: AT, by: ME, eventId: EVENT });

  it('delists a listed subject, keeping when and why it was listed, with a delist event', () => {
    const r = changeListing({ id: SUBJECT, ...listed }, change('delist', '已停业'));
    expect(r).toEqual({
      ok: true,
      listing: { status: 'delisted', listedAt: listed.listedAt, listedReason: listed.listedReason, delistedAt: AT, delistedReason: '已停业' },
      event: { id: EVENT, subjectId: SUBJECT, action: 'delist', at: AT, by: ME, reason: '已停业', diff: { status: { from: 'listed', to: 'delisted' } } },
    });
    if (r.ok) expect(ledgerEventSchema.safeParse(r.event).error).toBeUndefined();
  });

  it('relists a delisted subject anew and clears the delisting, with a relist event', () => {
    const r = changeListing({ id: SUBJECT, ...delisted }, change('relist', '复业'));
    expect(r).toEqual({
      ok: true,
      listing: { status: 'listed', listedAt: AT, listedReason: '复业', delistedAt: null, delistedReason: null },
      event: { id: EVENT, subjectId: SUBJECT, action: 'relist', at: AT, by: ME, reason: '复业', diff: { status: { from: 'delisted', to: 'listed' } } },
    });
  });

  it('refuses a change to where the subject already is', () => {
    expect(changeListing({ id: SUBJECT, ...delisted }, change('delist', '再次出账'))).toEqual({ ok: false, code: 'already_delisted', message: '该重点对象已出账' });
    expect(changeListing({ id: SUBJECT, ...listed }, change('relist', '仍在册'))).toEqual({ ok: false, code: 'already_listed', message: '该重点对象在册，无需重新入账' });
  });
});

describe('入账', () => {
  it('lists a new subject now, for its reason, with no delisting', () => {
    expect(entryListing(AT, '曾被查实违规')).toEqual({ status: 'listed', listedAt: AT, listedReason: '曾被查实违规', delistedAt: null, delistedReason: null });
  });

  it('takes a new subject only as listed', () => {
    expect(entryRefusal(listed)).toBeNull();
    expect(entryRefusal(delisted)).toEqual({ code: 'invalid_args', message: '新登记的重点对象应为在册状态' });
  });
});
