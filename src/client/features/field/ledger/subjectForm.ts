/**
 * The 入账/变更 form as plain data: values, validation with Chinese messages, and the conversion
 * to what the repositories take (a new subject's draft, or a patch of only the changed fields).
 *
 * The full identity number is deliberately absent: the form only ever holds `idNumberMasked`
 * (PIPL, SPEC §9). `IdNumberInput.vue` validates the typed number and hands over the mask.
 */
import { TEXT_MAX, type Subject } from '../../../../domain/entities';
import type { RiskLevel, SubjectCategory, SubjectKind } from '../../../../domain/enums';
import { categoryFitsKind } from '../../../../domain/subjects';
import { CREDIT_CODE_CHARS, isValidCreditCode, MASKED_ID_RE, normalizeMobile } from '../../../../domain/validators';
import type { SubjectDraft, SubjectPatch } from '../../../db/repositories';
import { LEDGER_TEXT } from './text';

export interface SubjectFormValues {
  kind: SubjectKind;
  category: SubjectCategory | '';
  name: string;
  creditCode: string;
  idNumberMasked: string | null;
  phone: string;
  placeIds: string[];
  riskLevel: RiskLevel;
  gridId: string;
  /** 入账原因 for a new subject, 变更原因 for an edit. */
  reason: string;
}

export type FormField = 'name' | 'category' | 'creditCode' | 'idNumberMasked' | 'phone' | 'gridId' | 'reason';
export type FormErrors = Partial<Record<FormField, string>>;

export function normalizeCreditCode(raw: string): string {
  return raw.replace(/\s/g, '').toUpperCase();
}

/** Null when valid or empty (the code is optional); otherwise the message to show. */
export function creditCodeError(raw: string): string | null {
  const code = normalizeCreditCode(raw);
  if (code === '') return null;
  if (![...code].every((c) => CREDIT_CODE_CHARS.includes(c))) return LEDGER_TEXT.error.creditCodeChars;
  if (code.length !== 18) return LEDGER_TEXT.error.creditCodeLength;
  return isValidCreditCode(code) ? null : LEDGER_TEXT.error.creditCodeCheck;
}

/**
 * Null when valid, empty, or the number as the device already holds it: a subject synced to anyone but
 * the county admin carries its phone masked (`phoneForRole`), and leaving it alone must stay possible.
 */
export function phoneError(raw: string, held?: string | null): string | null {
  const phone = raw.trim();
  if (phone === '' || phone === held) return null;
  return normalizeMobile(raw) === null ? LEDGER_TEXT.error.phoneInvalid : null;
}

/** `base`: the subject being changed (a 变更), whose held values pass as they are. */
export function validateSubjectForm(v: SubjectFormValues, base?: Subject): FormErrors {
  const errors: FormErrors = {};
  const name = v.name.trim();
  if (name === '') errors.name = v.kind === 'person' ? LEDGER_TEXT.error.personNameRequired : LEDGER_TEXT.error.nameRequired;
  else if (name.length > TEXT_MAX.short) errors.name = LEDGER_TEXT.error.nameTooLong(TEXT_MAX.short);
  if (v.category === '' || !categoryFitsKind(v.kind, v.category)) errors.category = LEDGER_TEXT.error.categoryRequired;
  if (v.kind === 'institution') {
    const e = creditCodeError(v.creditCode);
    if (e) errors.creditCode = e;
  }
  if (v.kind === 'person' && v.idNumberMasked !== null && !MASKED_ID_RE.test(v.idNumberMasked)) {
    errors.idNumberMasked = LEDGER_TEXT.error.idNumberInvalid;
  }
  const p = phoneError(v.phone, base?.phone);
  if (p) errors.phone = p;
  if (v.gridId === '') errors.gridId = LEDGER_TEXT.error.gridRequired;
  const reason = v.reason.trim();
  if (reason === '') errors.reason = LEDGER_TEXT.error.reasonRequired;
  else if (reason.length > TEXT_MAX.reason) errors.reason = LEDGER_TEXT.error.reasonTooLong(TEXT_MAX.reason);
  return errors;
}

export function hasErrors(errors: FormErrors): boolean {
  return Object.keys(errors).length > 0;
}

export function emptyForm(gridId: string): SubjectFormValues {
  return {
    kind: 'institution',
    category: '',
    name: '',
    creditCode: '',
    idNumberMasked: null,
    phone: '',
    placeIds: [],
    riskLevel: 'medium',
    gridId,
    reason: '',
  };
}

/** The form showing `subject` as it is now; the reason starts empty (a change needs its own). */
export function formOf(subject: Subject): SubjectFormValues {
  return {
    kind: subject.kind,
    category: subject.category,
    name: subject.name,
    creditCode: subject.creditCode ?? '',
    idNumberMasked: subject.idNumberMasked ?? null,
    phone: subject.phone ?? '',
    placeIds: [...subject.placeIds],
    riskLevel: subject.riskLevel,
    gridId: subject.gridId,
    reason: '',
  };
}

/** The patchable fields as they would be stored; fields that do not apply to the kind are null. */
function storedFields(v: SubjectFormValues): Required<SubjectPatch> {
  const code = normalizeCreditCode(v.creditCode);
  return {
    name: v.name.trim(),
    category: v.category === '' ? 'other' : v.category,
    creditCode: v.kind === 'institution' && code !== '' ? code : null,
    idNumberMasked: v.kind === 'person' ? v.idNumberMasked : null,
    // Valid values only: a number that does not normalise is the held (masked) one, kept as it is, so
    // the patch leaves the phone out rather than erasing it.
    phone: v.phone.trim() === '' ? null : (normalizeMobile(v.phone) ?? v.phone.trim()),
    placeIds: [...v.placeIds],
    riskLevel: v.riskLevel,
  };
}

/** Call only with values that passed `validateSubjectForm`. */
export function toDraft(v: SubjectFormValues): SubjectDraft {
  return { ...storedFields(v), kind: v.kind, gridId: v.gridId, listedReason: v.reason.trim() };
}

/** The fields a 变更 may patch (`subjectPatchSchema`). */
export const PATCH_FIELDS = ['name', 'category', 'creditCode', 'idNumberMasked', 'phone', 'placeIds', 'riskLevel'] as const;

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = (xs: unknown[]) => xs.map(String).sort().join('\u0000');
    return a.length === b.length && key(a) === key(b);
  }
  return (a ?? null) === (b ?? null);
}

/** Only the fields whose stored value differs from `base` (SPEC §8: per-field patches). */
export function toPatch(base: Subject, v: SubjectFormValues): SubjectPatch {
  const next = storedFields(v);
  const patch: SubjectPatch = {};
  for (const field of PATCH_FIELDS) {
    if (!same(base[field], next[field])) Object.assign(patch, { [field]: next[field] });
  }
  return patch;
}
