import { describe, expect, it } from 'vitest';
import type { AnswerLike } from '../../src/domain/rules';
import { feeRule, isAcademicLesson, suggestD1, suggestD2, suggestions } from '../../src/domain/suggestions';

const lesson = (subject: string | null, end?: string): AnswerLike[] => [
  { itemCode: 'A1', value: true },
  { itemCode: 'A3', value: subject },
  ...(end ? [{ itemCode: 'A5', value: end }] : []),
];
const summer = [{ start: '2026-07-04', end: '2026-08-31', name: '暑假' }];

describe('isAcademicLesson', () => {
  it('needs A1 = 是 and an academic subject in A3', () => {
    expect(isAcademicLesson(lesson('数学'))).toBe(true);
    expect(isAcademicLesson(lesson('其他学科'))).toBe(true);
    expect(isAcademicLesson(lesson('非学科'))).toBe(false);
    expect(isAcademicLesson(lesson(null))).toBe(false);
    expect(isAcademicLesson([{ itemCode: 'A1', value: false }, { itemCode: 'A3', value: '数学' }])).toBe(false);
  });
});

describe('suggestD1', () => {
  it('suggests 是 for an academic lesson on a statutory holiday', () => {
    expect(suggestD1({ answers: lesson('英语'), at: '2026-10-01T15:00:00+08:00' })).toEqual({
      itemCode: 'D1',
      value: true,
      reason: '2026-10-01 为法定节假日（国庆节）',
    });
  });

  it('uses the local date: 16:30 UTC on 30 September is already the holiday in Shanghai', () => {
    expect(suggestD1({ answers: lesson('数学'), at: '2026-09-30T16:30:00Z' })?.reason).toBe(
      '2026-10-01 为法定节假日（国庆节）',
    );
    expect(suggestD1({ answers: lesson('数学'), at: '2026-09-30T15:59:00Z' })).toBeNull();
  });

  it('suggests 是 on an ordinary weekend', () => {
    expect(suggestD1({ answers: lesson('物理'), at: '2026-03-14T10:00:00+08:00' })?.reason).toBe(
      '2026-03-14 为休息日（星期六）',
    );
  });

  it('does not suggest on a 调休 Saturday workday (2026-02-14) outside vacation', () => {
    expect(suggestD1({ answers: lesson('数学'), at: '2026-02-14T10:00:00+08:00' })).toBeNull();
  });

  it('suggests on a 调休 workday that lies in the county winter vacation', () => {
    const winter = [{ start: '2026-01-24', end: '2026-02-28', name: '寒假' }];
    expect(suggestD1({ answers: lesson('数学'), at: '2026-02-14T10:00:00+08:00', vacations: winter })?.reason).toBe(
      '2026-02-14 在寒假期间（2026-01-24 至 2026-02-28）',
    );
  });

  it('suggests on a weekday in the summer vacation, not on an ordinary weekday', () => {
    expect(suggestD1({ answers: lesson('化学'), at: '2026-07-15T09:00:00+08:00', vacations: summer })?.reason).toBe(
      '2026-07-15 在暑假期间（2026-07-04 至 2026-08-31）',
    );
    expect(suggestD1({ answers: lesson('化学'), at: '2026-03-11T09:00:00+08:00', vacations: summer })).toBeNull();
  });

  it('does not suggest for non-academic lessons or when no lessons were found', () => {
    expect(suggestD1({ answers: lesson('非学科'), at: '2026-10-01T15:00:00+08:00' })).toBeNull();
    expect(suggestD1({ answers: [{ itemCode: 'A1', value: false }], at: '2026-10-01T15:00:00+08:00' })).toBeNull();
  });
});

describe('suggestD2', () => {
  it('suggests 是 when an academic lesson ends after 20:30', () => {
    expect(suggestD2({ answers: lesson('数学', '20:31') })).toEqual({
      itemCode: 'D2',
      value: true,
      reason: '培训结束时间 20:31 晚于 20:30',
    });
  });

  it('does not suggest at exactly 20:30, earlier, for non-academic lessons or without A5', () => {
    expect(suggestD2({ answers: lesson('数学', '20:30') })).toBeNull();
    expect(suggestD2({ answers: lesson('数学', '19:00') })).toBeNull();
    expect(suggestD2({ answers: lesson('非学科', '21:30') })).toBeNull();
    expect(suggestD2({ answers: lesson('数学') })).toBeNull();
    expect(suggestD2({ answers: lesson('数学', '9:30 pm') })).toBeNull();
  });
});

describe('suggestions', () => {
  it('combines D1 and D2', () => {
    const s = suggestions({ answers: lesson('语文', '21:00'), at: '2026-10-01T21:00:00+08:00' });
    expect(s.map((x) => x.itemCode)).toEqual(['D1', 'D2']);
    expect(suggestions({ answers: lesson('语文', '20:00'), at: '2026-03-11T19:00:00+08:00' })).toEqual([]);
  });
});

describe('feeRule', () => {
  it('flags H1 over 3 months or over 60 lessons, H2 over 5000 yuan', () => {
    expect(feeRule({ months: 3, lessons: 60, amountYuan: 5000 })).toEqual({
      H1: false,
      H2: false,
      reasons: { H1: null, H2: null },
    });
    const r = feeRule({ months: 6, lessons: 61, amountYuan: 5000.01 });
    expect(r.H1).toBe(true);
    expect(r.H2).toBe(true);
    expect(r.reasons.H1).toBe('一次性收费时间跨度 6 个月，超过 3 个月；一次性收费 61 课时，超过 60 课时');
    expect(r.reasons.H2).toBe('单次预收费 5000.01 元，超过 5000 元');
    expect(feeRule({ lessons: 80 })).toMatchObject({ H1: true, H2: false });
    expect(feeRule({})).toMatchObject({ H1: false, H2: false });
  });
});
