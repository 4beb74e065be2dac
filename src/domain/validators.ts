/** Identifier validators of Chinese national standards, and masking for display. */
/** The characters of a unified social credit code (GB 32100-2015): no I, O, Z, S, V. */
export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const CREDIT_CODE_RE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** 统一社会信用代码, GB 32100-2015: 18 characters, the last a mod-31 check character. */
export function isValidCreditCode(code: string): boolean {
  if (!CREDIT_CODE_RE.test(code)) return false;
  return code[17] === creditCodeCheckChar(code.slice(0, 17));
}

/** The check character for the first 17 characters of a credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARS.indexOf(first17[i] ?? '');
    if (v < 0) throw new Error(`invalid credit code character at ${i}`);
    sum += v * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31]!;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const ID_RE = /^\d{6}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]$/;

/** 公民身份号码, GB 11643-1999: 18 characters with a valid birth date and an ISO 7064 mod 11-2 check. */
export function isValidIdNumber(id: string): boolean {
  const v = id.toUpperCase();
  if (!ID_RE.test(v)) return false;
  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  const d = Number(v.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return v[17] === idNumberCheckChar(v.slice(0, 17));
}

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** First 6 and last 4 kept: 520302********123X. */
export function maskIdNumber(id: string): string {
  const v = id.toUpperCase();
  return `${v.slice(0, 6)}${'*'.repeat(Math.max(0, v.length - 10))}${v.slice(-4)}`;
}

export const MASKED_ID_RE = /^\d{6}\*{8}\d{3}[\dX]$/;

const MOBILE_RE = /^1[3-9]\d{9}$/;

/** Mainland mobile numbers (11 digits, 13x–19x), with an optional +86 / 86 prefix. */
export function normalizeMobile(phone: string): string | null {
  const digits = phone.replace(/[\s-]/g, '').replace(/^(\+?86)/, '');
  return MOBILE_RE.test(digits) ? digits : null;
}

export function isValidMobile(phone: string): boolean {
  return normalizeMobile(phone) !== null;
}

/** 138****1234 */
export function maskMobile(phone: string): string {
  const n = normalizeMobile(phone) ?? phone;
  if (n.length < 7) return '*'.repeat(n.length);
  return `${n.slice(0, 3)}****${n.slice(-4)}`;
}
