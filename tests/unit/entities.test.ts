/** The text limits the forms share with the schemas: exactly `TEXT_MAX` characters pass, one more does not. */
import { describe, expect, it } from 'vitest';
import { findingSchema, subjectSchema, TEXT_MAX } from '../../src/domain/entities';
import { uuidv7 } from '../../src/domain/ids';
import { makeSubject } from '../factories';

const text = (n: number) => '字'.repeat(n);

describe('TEXT_MAX', () => {
  it("bounds a subject's name and listing reason", () => {
    const subject = makeSubject({ gridId: uuidv7() });
    expect(subjectSchema.safeParse({ ...subject, name: text(TEXT_MAX.short) }).success).toBe(true);
    expect(subjectSchema.safeParse({ ...subject, name: text(TEXT_MAX.short + 1) }).success).toBe(false);
    expect(subjectSchema.safeParse({ ...subject, listedReason: text(TEXT_MAX.reason) }).success).toBe(true);
    expect(subjectSchema.safeParse({ ...subject, listedReason: text(TEXT_MAX.reason + 1) }).success).toBe(false);
  });

  it("bounds a finding's description", () => {
    const finding = { category: 'other', evidence: [] };
    expect(findingSchema.safeParse({ ...finding, description: text(TEXT_MAX.finding) }).success).toBe(true);
    expect(findingSchema.safeParse({ ...finding, description: text(TEXT_MAX.finding + 1) }).success).toBe(false);
  });
});
