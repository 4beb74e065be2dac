/** Dates, times and ages as the field screens show them: business time (Asia/Shanghai), in Chinese. */
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

/** "5月12日 20:30" (with the year when it is not the current one). */
export function formatDateTime(iso: string, now: Date = new Date()): string {
  const t = localDateTime(iso);
  const [y, m, d] = t.date.split('-');
  const sameYear = localDateTime(now).date.slice(0, 4) === y;
  return `${sameYear ? '' : `${y}年`}${Number(m)}月${Number(d)}日 ${t.time}`;
}

/** "5月12日" (with the year when it is not the current one). */
export function formatDate(iso: string, now: Date = new Date()): string {
  const t = localDateTime(iso);
  const [y, m, d] = t.date.split('-');
  const sameYear = localDateTime(now).date.slice(0, 4) === y;
  return `${sameYear ? '' : `${y}年`}${Number(m)}月${Number(d)}日`;
}

/** "20:30" in business time. */
export function formatTime(iso: string): string {
  return localDateTime(iso).time;
}
