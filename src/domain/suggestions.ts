/**
 * Answers the app proposes by itself (CHECKLIST.md "Rules the app applies by itself"). A suggestion
 * is only a proposal: the inspector confirms it, and the answer then carries `suggested: true`.
 */
import type { AnswerLike } from './rules';
import { answerValue } from './rules';
import { NON_ACADEMIC_OPTION } from './checklist';
import { TIME_RE, WEEKDAY_LABELS, dayInfo, localDateTime, vacationAt, type VacationRange } from './calendar';

export interface Suggestion {
  itemCode: string;
  value: true;
  reason: string;
}

export const LATEST_LESSON_END = '20:30';

/** Lessons were found (A1 = 是) and the subject answered in A3 is academic. */
export function isAcademicLesson(answers: readonly AnswerLike[]): boolean {
  if (answerValue(answers, 'A1') !== true) return false;
  const subject = answerValue(answers, 'A3');
  return typeof subject === 'string' && subject !== NON_ACADEMIC_OPTION;
}

/** D1: an academic lesson on a statutory holiday, a rest day (with 调休) or in the county's vacation. */
export function suggestD1(input: {
  answers: readonly AnswerLike[];
  at: string | Date;
  vacations?: readonly VacationRange[];
}): Suggestion | null {
  if (!isAcademicLesson(input.answers)) return null;
  const { date } = localDateTime(input.at);
  const day = dayInfo(date);
  if (day.kind === 'statutory_holiday')
    return { itemCode: 'D1', value: true, reason: `${date} 为法定节假日（${day.holiday ?? '节假日'}）` };
  if (day.kind === 'weekend')
    return { itemCode: 'D1', value: true, reason: `${date} 为休息日（${WEEKDAY_LABELS[day.weekday]}）` };
  const vacation = vacationAt(date, input.vacations ?? []);
  if (vacation)
    return {
      itemCode: 'D1',
      value: true,
      reason: `${date} 在${vacation.name}期间（${vacation.start} 至 ${vacation.end}）`,
    };
  return null;
}

/** D2: an academic lesson ending (A5) after 20:30. */
export function suggestD2(input: { answers: readonly AnswerLike[] }): Suggestion | null {
  if (!isAcademicLesson(input.answers)) return null;
  const end = answerValue(input.answers, 'A5');
  // 'HH:mm' strings compare in time order.
  if (typeof end !== 'string' || !TIME_RE.test(end) || end <= LATEST_LESSON_END) return null;
  return { itemCode: 'D2', value: true, reason: `培训结束时间 ${end} 晚于 ${LATEST_LESSON_END}` };
}

export function suggestions(input: {
  answers: readonly AnswerLike[];
  at: string | Date;
  vacations?: readonly VacationRange[];
}): Suggestion[] {
  return [suggestD1(input), suggestD2(input)].filter((s): s is Suggestion => s !== null);
}

export interface FeeRuleResult {
  H1: boolean;
  H2: boolean;
  reasons: { H1: string | null; H2: string | null };
}

export const FEE_LIMITS = { months: 3, lessons: 60, amountYuan: 5000 } as const;

/** H1/H2: one prepayment covering over 3 months or over 60 lessons, or over 5000 yuan. */
export function feeRule(input: { months?: number | null; lessons?: number | null; amountYuan?: number | null }): FeeRuleResult {
  const h1: string[] = [];
  if (input.months != null && input.months > FEE_LIMITS.months)
    h1.push(`一次性收费时间跨度 ${input.months} 个月，超过 ${FEE_LIMITS.months} 个月`);
  if (input.lessons != null && input.lessons > FEE_LIMITS.lessons)
    h1.push(`一次性收费 ${input.lessons} 课时，超过 ${FEE_LIMITS.lessons} 课时`);
  const h2 =
    input.amountYuan != null && input.amountYuan > FEE_LIMITS.amountYuan
      ? `单次预收费 ${input.amountYuan} 元，超过 ${FEE_LIMITS.amountYuan} 元`
      : null;
  return { H1: h1.length > 0, H2: h2 !== null, reasons: { H1: h1.length > 0 ? h1.join('；') : null, H2: h2 } };
}
