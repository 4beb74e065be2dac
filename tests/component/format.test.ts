/** How instants read on screen: always Beijing time (+08:00), whatever the device's time zone. */
import { describe, expect, it } from 'vitest';
import { byName, formatAge, formatClock, formatDay, formatFullDateTime, formatWhen, formatWindow, shortHash } from '../../src/client/components/format';

const now = new Date('2026-05-13T09:00:00+08:00');

describe('format', () => {
  it('lists an instant by its Beijing day and time, with the year only when it is not the current one', () => {
    // 16:30 UTC is already the next day in Beijing.
    expect(formatWhen('2026-05-12T16:30:00.000Z', now)).toBe('5月13日 00:30');
    expect(formatWhen('2025-12-31T20:05:00+08:00', now)).toBe('2025年12月31日 20:05');
    expect(formatDay('2026-05-02T23:59:00+08:00', now)).toBe('5月2日');
    expect(formatDay('2025-05-02T10:00:00+08:00', now)).toBe('2025年5月2日');
  });

  it('gives detail screens the full date and time, and the time of day alone', () => {
    expect(formatFullDateTime('2025-05-12T01:05:00.000Z')).toBe('2025-05-12 09:05');
    expect(formatFullDateTime('2026-09-30T23:05:00.000Z')).toBe('2026-10-01 07:05');
    expect(formatClock('2026-05-12T12:30:00.000Z')).toBe('20:30');
  });

  it('shows a window with its end as a time of day, or with its day when it ends on another', () => {
    expect(formatWindow('2026-05-12T12:00:00.000Z', '2026-05-12T14:00:00.000Z', now)).toBe('5月12日 20:00–22:00');
    // 18:00 UTC is 02:00 of the next day in Beijing.
    expect(formatWindow('2026-05-12T12:00:00.000Z', '2026-05-12T18:00:00.000Z', now)).toBe('5月12日 20:00–5月13日 02:00');
    expect(formatWindow('2025-12-31T20:00:00+08:00', '2025-12-31T22:00:00+08:00', now)).toBe('2025年12月31日 20:00–22:00');
  });

  it('says how long ago in minutes, hours or days, and shortens hashes', () => {
    expect(formatAge(30_000)).toBe('不到 1 分钟');
    expect(formatAge(5 * 60_000)).toBe('5 分钟');
    expect(formatAge(47 * 3_600_000)).toBe('47 小时');
    expect(formatAge(72 * 3_600_000)).toBe('3 天');
    expect(shortHash('0123456789abcdef0123')).toBe('01234567…0123');
    expect(shortHash('abc')).toBe('abc');
  });

  it('sorts names in Chinese (pinyin) order, not by code point', () => {
    const names = ['北门小区', '阳光大厦', '安居苑'].map((name) => ({ name }));
    expect([...names].sort(byName).map((p) => p.name)).toEqual(['安居苑', '北门小区', '阳光大厦']);
  });
});
