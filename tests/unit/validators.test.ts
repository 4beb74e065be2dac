import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckChar,
  idNumberCheckChar,
  isValidCreditCode,
  isValidIdNumber,
  isValidMobile,
  maskIdNumber,
  maskMobile,
  MASKED_ID_RE,
  normalizeMobile,
} from '../../src/domain/validators';
import { creditCodeSchema } from '../../src/domain/entities';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  const valid = '91350100M000100Y43';

  it('accepts a known valid code', () => {
    expect(isValidCreditCode(valid)).toBe(true);
    expect(creditCodeCheckChar(valid.slice(0, 17))).toBe('3');
    expect(creditCodeSchema.safeParse(valid).success).toBe(true);
  });

  it('rejects a code with one character changed', () => {
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000200Y43')).toBe(false);
    expect(creditCodeSchema.safeParse('91350100M000100Y44').success).toBe(false);
  });

  it('rejects lowercase, illegal letters (I, O, S, V, Z) and wrong lengths', () => {
    expect(isValidCreditCode(valid.toLowerCase())).toBe(false);
    expect(isValidCreditCode('91350100M000100I43')).toBe(false);
    expect(isValidCreditCode('91350100M000100O43')).toBe(false);
    expect(isValidCreditCode(valid.slice(0, 17))).toBe(false);
    expect(isValidCreditCode(`${valid}0`)).toBe(false);
    expect(isValidCreditCode('')).toBe(false);
  });

  it('refuses to compute a check character over illegal characters', () => {
    expect(() => creditCodeCheckChar('91350100M000100I4')).toThrow();
  });
});

describe('公民身份号码 (GB 11643-1999)', () => {
  it('accepts a valid number with X check character, in either case', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
  });

  it('rejects a wrong check digit', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });

  it('rejects an impossible birth date even with a matching check digit', () => {
    const first17 = '11010519490230002';
    expect(isValidIdNumber(first17 + idNumberCheckChar(first17))).toBe(false);
  });

  it('rejects wrong lengths and letters', () => {
    expect(isValidIdNumber('110105194912310')).toBe(false);
    expect(isValidIdNumber('1101051949123100AX')).toBe(false);
  });

  it('masks to first 6 and last 4', () => {
    const masked = maskIdNumber('11010519491231002x');
    expect(masked).toBe('110105********002X');
    expect(MASKED_ID_RE.test(masked)).toBe(true);
  });
});

describe('mobile numbers', () => {
  it('normalises +86 and spaces and masks the middle', () => {
    expect(normalizeMobile('+86 138-0013-8000')).toBe('13800138000');
    expect(isValidMobile('12800138000')).toBe(false);
    expect(isValidMobile('1380013800')).toBe(false);
    expect(maskMobile('13800138000')).toBe('138****8000');
  });
});
