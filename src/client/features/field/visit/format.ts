/** Display helpers shared by the visit and manager pages (business time zone, short hashes). */
import { localDateTime } from '../../../../domain/calendar';

/** '2026-10-01 19:05' in Asia/Shanghai. */
export function formatDateTime(iso: string): string {
  const { date, time } = localDateTime(iso);
  return `${date} ${time}`;
}

/** The first 8 and last 4 hex digits: enough to compare a receipt with the server's record. */
export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-4)}` : hash;
}
