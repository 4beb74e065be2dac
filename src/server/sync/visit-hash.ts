/**
 * The server's check of the visit hash (SPEC §8): the same value as `visitHash` of
 * src/domain/canonical.ts — SHA-256 of the domain's canonical JSON of the visit without `hash` — but
 * digested synchronously with node:crypto: a push verifies every visit of a batch, and the WebCrypto
 * digest (one thread-pool job and one await per visit) was a large share of its cost.
 *
 * tests/server/sync-hash.test.ts checks it against the domain function on tricky inputs.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/canonical';

/** A visit's canonical JSON without its `hash` field, and the lowercase hex SHA-256 of it. */
export function canonicalVisit(visit: { hash?: unknown } & Record<string, unknown>): { json: string; hash: string } {
  const { hash: _omit, ...rest } = visit;
  const json = canonicalJson(rest);
  return { json, hash: createHash('sha256').update(json, 'utf8').digest('hex') };
}

/**
 * The JSON of the whole visit from its canonical JSON without `hash` (already serialised for the hash
 * check) and its hash: the same members as `JSON.stringify(visit)`, so the same jsonb document
 * (jsonb keeps no key order) — without serialising the visit a second time.
 */
export function visitJsonWithHash(canonicalWithoutHash: string, hash: string): string {
  const members = canonicalWithoutHash.slice(1);
  return `{"hash":${JSON.stringify(hash)}${members === '}' ? '' : ','}${members}`;
}

/** `\u0000` in JSON text that is an escape, not an escaped backslash followed by "u0000". */
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/**
 * Whether the JSON (as JSON.stringify writes it) holds a NUL character anywhere. PostgreSQL text and
 * jsonb cannot hold one: the visit document is kept verbatim as `json`, which would, but any reading of
 * it as text or jsonb (a report, an export) would then fail on that row. A field app never writes one.
 */
export function hasNulCharacter(json: string): boolean {
  return json.includes('\\u0000') && NUL_ESCAPE.test(json);
}
