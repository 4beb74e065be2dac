/** How ledger values read on screen: labels for enums, masked phones in diffs, Beijing time. */
import {
  RISK_LEVEL_LABELS,
  SUBJECT_CATEGORY_LABELS,
  SUBJECT_KIND_LABELS,
  SUBJECT_STATUS_LABELS,
} from '../../../../domain/labels';
import { maskMobile } from '../../../../domain/validators';
import { formatFullDateTime } from '../../../components/format';
import { LEDGER_TEXT } from './text';

export function fieldLabel(field: string): string {
  return LEDGER_TEXT.field[field] ?? field;
}

function labelOf(labels: Record<string, string>, value: unknown): string {
  return typeof value === 'string' ? (labels[value] ?? value) : LEDGER_TEXT.empty;
}

/**
 * One side of a diff entry as text. Phones are masked here as in lists: the history is a list of
 * changes, and the full number is shown once, in the subject's own details.
 */
export function formatDiffValue(field: string, value: unknown, placeNames: ReadonlyMap<string, string>): string {
  if (value === null || value === undefined || value === '') return LEDGER_TEXT.empty;
  switch (field) {
    case 'kind':
      return labelOf(SUBJECT_KIND_LABELS, value);
    case 'category':
      return labelOf(SUBJECT_CATEGORY_LABELS, value);
    case 'riskLevel':
      return labelOf(RISK_LEVEL_LABELS, value);
    case 'status':
      return labelOf(SUBJECT_STATUS_LABELS, value);
    case 'phone':
      return typeof value === 'string' ? maskMobile(value) : LEDGER_TEXT.empty;
    case 'placeIds':
      if (!Array.isArray(value)) return LEDGER_TEXT.empty;
      return value.length === 0 ? LEDGER_TEXT.empty : value.map((id) => placeNames.get(String(id)) ?? String(id)).join('、');
    case 'listedAt':
    case 'delistedAt':
      if (typeof value !== 'string') return LEDGER_TEXT.empty;
      // A diff holds whatever was sent: show an unparseable instant as it is rather than fail the page.
      return Number.isNaN(Date.parse(value)) ? value : formatFullDateTime(value);
    default:
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  }
}
