/** How ledger values read on screen: labels for enums, masked phones in diffs, Beijing time. */
import {
  RISK_LEVEL_LABELS,
  SUBJECT_CATEGORY_LABELS,
  SUBJECT_KIND_LABELS,
  SUBJECT_STATUS_LABELS,
} from '../../../../domain/labels';
import { maskMobile } from '../../../../domain/validators';
import { LEDGER_TEXT } from './text';

const TIME_FORMAT = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** 2025-05-12 09:05, in the business time zone whatever the device's. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return LEDGER_TEXT.empty;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(TIME_FORMAT.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

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
      return typeof value === 'string' ? formatTime(value) : LEDGER_TEXT.empty;
    default:
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  }
}
