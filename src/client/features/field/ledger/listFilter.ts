/** Search and filters of the ledger list, over the rows already read from the grid's index. */
import type { Subject } from '../../../../domain/entities';
import { RISK_LEVELS, type RiskLevel, type SubjectCategory, type SubjectStatus } from '../../../../domain/enums';
import { byName } from '../../../components/format';

export interface LedgerFilter {
  q: string;
  category: SubjectCategory | null;
  status: SubjectStatus | null;
  risk: RiskLevel | null;
}

const compact = (s: string) => s.replace(/[\s-]/g, '').toLowerCase();

/** Name, credit code, masked identity number (e.g. its first 6 or last 4) or phone digits. */
export function matchesQuery(s: Subject, q: string): boolean {
  const needle = compact(q);
  if (needle === '') return true;
  if (s.name.toLowerCase().includes(q.trim().toLowerCase()) || compact(s.name).includes(needle)) return true;
  if (s.creditCode && s.creditCode.toLowerCase().includes(needle)) return true;
  if (s.idNumberMasked) {
    const masked = s.idNumberMasked.toLowerCase();
    if (masked.includes(needle) || masked.replace(/\*+/g, '').includes(needle)) return true;
  }
  return !!s.phone && /^\+?\d+$/.test(needle) && s.phone.includes(needle.replace(/^\+?86(?=1\d{10}$)/, ''));
}

export function filterSubjects(rows: readonly Subject[], f: LedgerFilter, withStatus = true): Subject[] {
  return rows.filter(
    (s) =>
      (f.category === null || s.category === f.category) &&
      (!withStatus || f.status === null || s.status === f.status) &&
      (f.risk === null || s.riskLevel === f.risk) &&
      matchesQuery(s, f.q),
  );
}

/** Listed before delisted, higher risk first, then by name. */
export function sortSubjects(rows: Subject[]): Subject[] {
  return rows.sort(
    (a, b) =>
      (a.status === b.status ? 0 : a.status === 'listed' ? -1 : 1) ||
      RISK_LEVELS.indexOf(a.riskLevel) - RISK_LEVELS.indexOf(b.riskLevel) ||
      byName(a, b),
  );
}
