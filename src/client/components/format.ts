/**
 * How dates, times, ages and hashes read on screen, in one place. Every instant is shown in business
 * time (Asia/Shanghai, the domain's fixed +08:00 `localDateTime`), whatever the device's time zone.
 * Lists use the compact forms (`formatWhen`, `formatDay`); detail screens and records use
 * `formatFullDateTime`, which always carries the year. Names sort in one Chinese order (`byName`).
 */
import { localDateTime } from '../../domain/calendar';

/** "3 分钟" / "2 小时" / "5 天"; under a minute is "不到 1 分钟". */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return '不到 1 分钟';
  if (minutes < 60) return `${minutes} 分钟`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} 小时`;
  return `${Math.floor(hours / 24)} 天`;
}

/** "5月12日", or "2025年5月12日" when the year is not the current one. */
export function formatDay(iso: string, now: Date = new Date()): string {
  const [y, m, d] = localDateTime(iso).date.split('-');
  const sameYear = localDateTime(now).date.slice(0, 4) === y;
  return `${sameYear ? '' : `${y}年`}${Number(m)}月${Number(d)}日`;
}

/** For lists: "5月12日 20:30", or "2025年5月12日 20:30" when the year is not the current one. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  return `${formatDay(iso, now)} ${formatClock(iso)}`;
}

/** For detail screens and records: "2025-05-12 20:30". */
export function formatFullDateTime(iso: string): string {
  const { date, time } = localDateTime(iso);
  return `${date} ${time}`;
}

/**
 * A span of time, e.g. a task's window: "5月12日 20:00–22:00", or "5月12日 20:00–5月13日 02:00" when it
 * ends on another day.
 */
export function formatWindow(start: string, end: string, now: Date = new Date()): string {
  const sameDay = localDateTime(start).date === localDateTime(end).date;
  return `${formatWhen(start, now)}–${sameDay ? formatClock(end) : formatWhen(end, now)}`;
}

/** The time of day alone: "20:30". */
export function formatClock(iso: string): string {
  return localDateTime(iso).time;
}

/** The first 8 and last 4 hex digits: enough to compare a receipt with the server's record. */
export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-4)}` : hash;
}

const nameOrder = new Intl.Collator('zh-CN');

/** Sorts places, subjects and other named rows the way a Chinese reader expects (by pinyin). */
export function byName(a: { name: string }, b: { name: string }): number {
  return nameOrder.compare(a.name, b.name);
}
