/**
 * What a device sent, made storable in a jsonb column. A rejected mutation keeps its arguments
 * (`mutation_result.args`) — but the arguments are whatever the device sent, and some JSON PostgreSQL
 * refuses: a NUL character in a string or key (jsonb cannot hold U+0000) or nesting deep enough to
 * exhaust a stack. Recording the rejection must not fail on them, or the push that rejects them would
 * fail as a whole, again on every retry, and the device's queue would be wedged behind it.
 */

/** Deeper than any mutation's arguments (a visit is about 5 levels); deeper parts are cut. */
const MAX_STORED_DEPTH = 32;
const CUT = '[嵌套过深，已截断]';

/** `value` as JSON text jsonb accepts: U+0000 replaced by U+FFFD, nesting cut at MAX_STORED_DEPTH. */
export function storableJson(value: unknown): string {
  return JSON.stringify(clean(value, 0) ?? null);
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_STORED_DEPTH) return CUT;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.includes('\0') ? k.replaceAll('\0', '\uFFFD') : k] = clean(v, depth + 1);
  return out;
}
