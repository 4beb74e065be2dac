import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
import {
  addDays,
  CALENDAR_YEARS,
  dayInfo,
  inVacation,
  isNightTime,
  isRestDay,
  isStatutoryHoliday,
  isValidDate,
  localDateTime,
  minutesOf,
  shiftAt,
  TIME_RE,
  vacationAt,
} from '../../src/domain/calendar';

describe('localDateTime (Asia/Shanghai, whatever the process time zone)', () => {
  it('converts a UTC instant late in the day to the next local date', () => {
    expect(localDateTime('2026-09-30T16:30:00Z')).toEqual({ date: '2026-10-01', time: '00:30', weekday: 4 });
  });

  it('reads instants with other offsets', () => {
    expect(localDateTime('2026-10-01T08:00:00+08:00')).toEqual({ date: '2026-10-01', time: '08:00', weekday: 4 });
    expect(localDateTime('2026-09-30T23:00:00-08:00')).toEqual({ date: '2026-10-01', time: '15:00', weekday: 4 });
    expect(localDateTime(new Date('2026-12-31T16:00:00Z'))).toEqual({ date: '2027-01-01', time: '00:00', weekday: 5 });
  });

  it('throws on garbage', () => {
    expect(() => localDateTime('not a date')).toThrow(RangeError);
  });
});

describe('shiftAt', () => {
  // Local 17:59 / 18:00 on 2026-03-11 and 05:59 / 06:00 on 2026-03-12, given in UTC.
  it('is day at 17:59 and night from 18:00 local', () => {
    expect(shiftAt('2026-03-11T09:59:00Z')).toBe('day');
    expect(shiftAt('2026-03-11T10:00:00Z')).toBe('night');
  });

  it('is night through midnight until 05:59 and day from 06:00 local', () => {
    expect(shiftAt('2026-03-11T16:00:00Z')).toBe('night');
    expect(shiftAt('2026-03-11T21:59:00Z')).toBe('night');
    expect(shiftAt('2026-03-11T22:00:00Z')).toBe('day');
    expect(shiftAt('2026-03-12T06:00:00+08:00')).toBe('day');
  });

  it('uses county-configured hours', () => {
    const hours = { nightStart: '19:30', nightEnd: '05:00' };
    expect(shiftAt('2026-03-11T18:00:00+08:00', hours)).toBe('day');
    expect(shiftAt('2026-03-11T19:30:00+08:00', hours)).toBe('night');
    expect(shiftAt('2026-03-12T05:00:00+08:00', hours)).toBe('day');
    // A window that does not wrap midnight.
    expect(isNightTime('01:00', { nightStart: '00:00', nightEnd: '05:00' })).toBe(true);
    expect(isNightTime('23:00', { nightStart: '00:00', nightEnd: '05:00' })).toBe(false);
  });
});

describe('official calendar (chinese-days, with 调休)', () => {
  it('2026-10-01 is a statutory holiday (国庆节)', () => {
    expect(dayInfo('2026-10-01')).toEqual({ date: '2026-10-01', kind: 'statutory_holiday', holiday: '国庆节', weekday: 4 });
    expect(isStatutoryHoliday('2026-10-01')).toBe(true);
    expect(isRestDay('2026-10-01')).toBe(true);
  });

  it('a weekday inside the holiday (2026-10-06, Tuesday) is a rest day', () => {
    expect(dayInfo('2026-10-06').kind).toBe('statutory_holiday');
    expect(isRestDay('2026-10-06')).toBe(true);
  });

  it('调休 Saturdays are workdays (2026-02-14 春节, 2026-10-10 国庆节)', () => {
    expect(dayInfo('2026-02-14')).toEqual({ date: '2026-02-14', kind: 'adjusted_workday', holiday: '春节', weekday: 6 });
    expect(isRestDay('2026-02-14')).toBe(false);
    expect(isRestDay('2026-10-10')).toBe(false);
  });

  it('an ordinary Saturday is a rest day, an ordinary Wednesday is not', () => {
    expect(dayInfo('2026-03-14')).toEqual({ date: '2026-03-14', kind: 'weekend', holiday: null, weekday: 6 });
    expect(isRestDay('2026-03-14')).toBe(true);
    expect(dayInfo('2026-03-11')).toEqual({ date: '2026-03-11', kind: 'workday', holiday: null, weekday: 3 });
    expect(isRestDay('2026-03-11')).toBe(false);
  });

  it('rejects malformed and impossible dates', () => {
    expect(() => isRestDay('2026-02-30')).toThrow(RangeError);
    expect(() => isRestDay('2026/10/01')).toThrow(RangeError);
  });
});

describe('isValidDate', () => {
  it('accepts the days of the calendar, leap days of leap years included', () => {
    for (const d of ['2026-01-01', '2026-02-28', '2028-02-29', '2026-12-31', '2000-02-29']) expect(isValidDate(d), d).toBe(true);
  });

  it('refuses days that do not exist and other shapes', () => {
    for (const d of ['2026-02-30', '2026-02-29', '1900-02-29', '2026-13-45', '2026-00-10', '2026-04-31', '2026-01-00', '2026-1-5', '2026/01/05', '2026-01-05T00:00', ''])
      expect(isValidDate(d), d).toBe(false);
  });
});

describe('TIME_RE', () => {
  it('matches 24-hour HH:mm, 00:00 to 23:59, and nothing else', () => {
    for (const t of ['00:00', '06:00', '18:30', '23:59']) expect(TIME_RE.test(t), t).toBe(true);
    for (const t of ['24:00', '23:60', '7:30', '07:5', '07:30:00', ' 07:30', '']) expect(TIME_RE.test(t), t).toBe(false);
    expect(minutesOf('23:59')).toBe(23 * 60 + 59);
  });
});

describe('vacations', () => {
  const ranges = [
    { start: '2026-01-24', end: '2026-02-28', name: '寒假' },
    { start: '2026-07-04', end: '2026-08-31', name: '暑假' },
  ];
  it('includes both ends of a range', () => {
    expect(inVacation('2026-07-04', ranges)).toBe(true);
    expect(inVacation('2026-08-31', ranges)).toBe(true);
    expect(vacationAt('2026-08-01', ranges)?.name).toBe('暑假');
  });
  it('excludes days outside every range', () => {
    expect(inVacation('2026-07-03', ranges)).toBe(false);
    expect(inVacation('2026-09-01', ranges)).toBe(false);
    expect(vacationAt('2026-03-11', [])).toBeNull();
  });
});

describe('addDays', () => {
  it('adds whole 24-hour days', () => {
    expect(addDays('2026-03-11T10:00:00+08:00', 3)).toBe('2026-03-14T02:00:00.000Z');
  });
});

describe('agreement with chinese-days', () => {
  // The library's own lookups are only right where the process time zone is not west of UTC.
  it.skipIf(new Date(2026, 0, 1).getTimezoneOffset() > 0)('classifies every day of 2025–2026 as chinese-days does', () => {
    for (let t = Date.UTC(2025, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
      const d = new Date(t);
      const date = d.toISOString().slice(0, 10);
      const local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12);
      expect(isRestDay(date), date).toBe(!chineseDays.isWorkday(local));
    }
  });

  it('covers the current years', () => {
    expect(CALENDAR_YEARS.last).toBeGreaterThanOrEqual(2026);
  });
});
