/**
 * The server's check of the visit hash (SPEC §8): the same value as `visitHash` of
 * src/domain/canonical.ts — SHA-256 of `JSON.stringify` of the key-sorted visit without `hash` — but
 * computed synchronously with node:crypto and serialised in one pass without building the sorted copy
 * first. A push verifies every visit of a batch, and the WebCrypto digest (one thread-pool job and one
 * await per visit) and the intermediate objects were a large share of its cost.
 *
 * tests/server/sync-hash.test.ts checks it against the domain function on tricky inputs.
 */
import { createHash } from 'node:crypto';

/** `JSON.stringify(sortKeys(value))` of src/domain/canonical.ts, for JSON-like values, in one pass. */
export function canonicalJsonFast(value: unknown): string {
  return write(value) ?? 'null';
}

/** Quoted keys seen so far (visits repeat the same few dozen); bounded, since keys come from devices. */
const QUOTED = new Map<string, string>();
const QUOTED_MAX = 4096;

function quote(key: string): string {
  let q = QUOTED.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    if (QUOTED.size < QUOTED_MAX) QUOTED.set(key, q);
  }
  return q;
}

/** A key JavaScript orders as an array index ("0" … "4294967294"): objects list these first, by value. */
function isIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 4294967295;
}

/**
 * The order in which `JSON.stringify(sortKeys(obj))` writes the keys: sortKeys inserts them in sorted
 * order into a new object, which still lists array-index keys first in numeric order (as Object.keys
 * already returns them), then the others in ascending UTF-16 code unit order. In place.
 */
function canonicalOrder(keys: string[]): string[] {
  let start = 0;
  while (start < keys.length && isIndex(keys[start]!)) start++;
  // Objects have few keys: insertion sort beats the generic sort here.
  for (let i = start + 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= start && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** undefined where JSON.stringify would leave the value out (undefined, functions, symbols). */
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += write(value[i]) ?? 'null';
        }
        return out + ']';
      }
      // As sortKeys of src/domain/canonical.ts: own enumerable keys (no toJSON: it copies the keys).
      const obj = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const key of canonicalOrder(Object.keys(obj))) {
        const v = write(obj[key]);
        if (v === undefined) continue;
        out += (first ? '' : ',') + quote(key) + ':' + v;
        first = false;
      }
      return out + '}';
    }
    case 'bigint':
      // JSON.stringify throws on a bigint; so does this (never in parsed JSON).
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return undefined;
  }
}

/** A visit's canonical JSON without its `hash` field, and the lowercase hex SHA-256 of it. */
export function canonicalVisit(visit: { hash?: unknown } & Record<string, unknown>): { json: string; hash: string } {
  const { hash: _omit, ...rest } = visit;
  const json = canonicalJsonFast(rest);
  return { json, hash: createHash('sha256').update(json, 'utf8').digest('hex') };
}

/** Lowercase hex SHA-256 of the canonical JSON of the visit without its `hash` field. */
export function visitHashSync(visit: { hash?: unknown } & Record<string, unknown>): string {
  return canonicalVisit(visit).hash;
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
