/**
 * Business calendar and shift rules in Asia/Shanghai (UTC+8 all year, no DST). Local dates and times
 * are computed from the instant arithmetically, never from the process or browser time zone.
 */
// chinese-days' own functions build their lookup table with local-time Date getters, which shifts
// every date by one day in time zones west of UTC (1.5.7); its generated table has no such flaw.
import calendarTable from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { Shift } from './enums';

export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
export const BUSINESS_OFFSET_MINUTES = 8 * 60;
const DAY_MS = 86_400_000;

export const WEEKDAY_LABELS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

export interface LocalDateTime {
  /** 'YYYY-MM-DD' in Asia/Shanghai */
  date: string;
  /** 'HH:mm' in Asia/Shanghai */
  time: string;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

export interface ShiftHours {
  nightStart: string;
  nightEnd: string;
}
export const DEFAULT_SHIFT_HOURS: ShiftHours = { nightStart: '18:00', nightEnd: '06:00' };

export interface VacationRange {
  /** 'YYYY-MM-DD', inclusive */
  start: string;
  /** 'YYYY-MM-DD', inclusive */
  end: string;
  name: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A 24-hour time of day, 'HH:mm' (00:00–23:59): hours and minutes captured. */
export const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function toMs(instant: string | Date | number): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant: ${String(instant)}`);
  return ms;
}

/** Local date, time and weekday of an instant in the business time zone. */
export function localDateTime(instant: string | Date | number): LocalDateTime {
  const d = new Date(toMs(instant) + BUSINESS_OFFSET_MINUTES * 60_000);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
    weekday: d.getUTCDay(),
  };
}

/** Minutes since local midnight of an 'HH:mm' string. */
export function minutesOf(hhmm: string): number {
  const m = TIME_RE.exec(hhmm);
  if (!m) throw new RangeError(`invalid time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Whether a local 'HH:mm' falls in the night window [nightStart, nightEnd), which may wrap midnight. */
export function isNightTime(time: string, hours: ShiftHours = DEFAULT_SHIFT_HOURS): boolean {
  const t = minutesOf(time);
  const start = minutesOf(hours.nightStart);
  const end = minutesOf(hours.nightEnd);
  if (start === end) return false;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** The shift of an instant: night in [nightStart, nightEnd) local time, day otherwise. */
export function shiftAt(instant: string | Date | number, hours: ShiftHours = DEFAULT_SHIFT_HOURS): Shift {
  return isNightTime(localDateTime(instant).time, hours) ? 'night' : 'day';
}

/** Year, month and day of 'YYYY-MM-DD' when it names a day of the calendar, else null. */
function dateParts(date: string): [number, number, number] | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return [y, mo, d];
}

/** Whether `date` is 'YYYY-MM-DD' naming a real day: not '2026-02-30', not '2026-13-45'. */
export function isValidDate(date: string): boolean {
  return dateParts(date) !== null;
}

function parseDate(date: string): [number, number, number] {
  const parts = dateParts(date);
  if (!parts) throw new RangeError(`invalid date: ${date}`);
  return parts;
}

export function weekdayOf(date: string): number {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export type DayKind = 'statutory_holiday' | 'weekend' | 'adjusted_workday' | 'workday';

export interface DayInfo {
  date: string;
  kind: DayKind;
  /** Chinese name of the holiday a statutory holiday or 调休 workday belongs to, e.g. 国庆节. */
  holiday: string | null;
  weekday: number;
}

/** Days listed by the official calendar, keyed 'YYYY-MM-DD', valued "English,中文,days". */
const HOLIDAYS: Readonly<Record<string, string>> = calendarTable.holidays;
const ADJUSTED_WORKDAYS: Readonly<Record<string, string>> = calendarTable.workdays;

function holidayName(entry: string | undefined): string | null {
  return entry?.split(',')[1] ?? null;
}

/** Classifies a local date by the official calendar (statutory holidays and 调休 workdays). */
export function dayInfo(date: string): DayInfo {
  const weekday = weekdayOf(date);
  const weekend = weekday === 0 || weekday === 6;
  const workday = ADJUSTED_WORKDAYS[date];
  if (workday !== undefined)
    return { date, kind: weekend ? 'adjusted_workday' : 'workday', holiday: holidayName(workday), weekday };
  const holiday = HOLIDAYS[date];
  if (holiday !== undefined) return { date, kind: 'statutory_holiday', holiday: holidayName(holiday), weekday };
  return { date, kind: weekend ? 'weekend' : 'workday', holiday: null, weekday };
}

export function isStatutoryHoliday(date: string): boolean {
  return dayInfo(date).kind === 'statutory_holiday';
}

/** A statutory holiday, or a Saturday/Sunday that is not a 调休 workday. */
export function isRestDay(date: string): boolean {
  const kind = dayInfo(date).kind;
  return kind === 'statutory_holiday' || kind === 'weekend';
}

/** The first and last year the official calendar table covers; outside it only weekends count. */
export const CALENDAR_YEARS = (() => {
  const years = Object.keys(HOLIDAYS).map((d) => Number(d.slice(0, 4)));
  return { first: Math.min(...years), last: Math.max(...years) };
})();

/** The vacation range containing the local date, if any (ranges are inclusive). */
export function vacationAt(date: string, ranges: readonly VacationRange[]): VacationRange | null {
  parseDate(date);
  return ranges.find((r) => r.start <= date && date <= r.end) ?? null;
}

export function inVacation(date: string, ranges: readonly VacationRange[]): boolean {
  return vacationAt(date, ranges) !== null;
}

/** `instant` plus whole days (24 h each: Asia/Shanghai has no DST), as an ISO string in UTC. */
export function addDays(instant: string | Date | number, days: number): string {
  return new Date(toMs(instant) + days * DAY_MS).toISOString();
}
