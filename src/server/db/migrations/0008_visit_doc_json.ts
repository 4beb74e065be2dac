/**
 * Migration 8: a visit's document is kept as `json` — the text the device signed, verbatim — instead
 * of `jsonb`. Nothing queries inside it (the columns beside it serve queries), so jsonb's parsed form
 * only cost time: converting each pushed document in, and each pulled one back to text (a pull is
 * mostly visit documents). Verbatim text also keeps the evidence exactly as it arrived: jsonb reorders
 * keys and rewrites numbers. Documents stored before read as jsonb wrote them (the same values).
 */
import type { Migration } from '../migrate';

export const migration: Migration = {
  id: 8,
  name: 'visit_doc_json',
  statements: ['ALTER TABLE visits ALTER COLUMN doc TYPE json USING doc::json'],
};
