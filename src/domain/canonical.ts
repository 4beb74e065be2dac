/**
 * Canonical JSON (object keys sorted recursively, no whitespace) and SHA-256 over it, used for the
 * visit hash chain of SPEC §8: `hash` = sha256(canonical(visit without hash)).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The canonical JSON of SPEC §8: `JSON.stringify` of the value with object keys sorted recursively
 * (`undefined` members dropped as JSON.stringify drops them), written in one pass without building a
 * sorted copy — the server checks every visit of a push with it, so it is on the hot path.
 * tests/unit/canonical.test.ts holds it to the literal definition on tricky inputs.
 */
export function canonicalJson(value: unknown): string {
  // Already in canonical order all the way down (a visit as its key-sorted schema parses it, see
  // `withCanonicalKeys`): the native serialiser writes the very same text, several times faster.
  if (serialisesCanonically(value, 0)) return JSON.stringify(value) ?? 'null';
  return write(value) ?? 'null';
}

/** Deeper values take the general path (which handles them all the same). */
const FAST_PATH_DEPTH = 32;

/**
 * Whether JSON.stringify writes `value` exactly as the canonical writer does: arrays, and plain objects
 * (no toJSON, no class, no boxed primitive) whose keys are in canonical order, all the way down, with no
 * function anywhere (a `toJSON` member would be called). It reads and compares; it builds nothing but
 * the key lists.
 */
function serialisesCanonically(value: unknown, depth: number): boolean {
  if (typeof value === 'function') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (depth > FAST_PATH_DEPTH) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!serialisesCanonically(value[i], depth + 1)) return false;
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let start = 0;
  while (start < keys.length && isIndex(keys[start]!)) start++;
  for (let i = start + 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  for (const key of keys) if (!serialisesCanonically(obj[key], depth + 1)) return false;
  return true;
}

/**
 * `shape` with its keys in canonical order. A zod object schema built from it parses into objects with
 * their keys in that order, whose canonical JSON is then the native JSON.stringify (see canonicalJson):
 * the visit schemas are, since the server hashes every visit of a push. Only the order changes.
 */
export function withCanonicalKeys<T extends Record<string, unknown>>(shape: T): T {
  const out: Record<string, unknown> = {};
  for (const key of canonicalOrder(Object.keys(shape))) out[key] = shape[key];
  return out as T;
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
 * The order in which JSON.stringify writes a key-sorted copy of an object: inserting sorted keys into
 * a new object still lists array-index keys first in numeric order (as Object.keys already returns
 * them), then the others in ascending UTF-16 code unit order. In place.
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
      // Own enumerable keys, as a key-sorted copy has them (no toJSON: a copy would not carry it).
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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const b of view) out += HEX[b];
  return out;
}

/** Lowercase hex SHA-256 by WebCrypto (browser and Node ≥ 20 alike). */
export async function sha256Hex(data: string | Uint8Array | ArrayBuffer): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return toHex(digest);
}

/** The hash of a visit: SHA-256 of the canonical JSON of the visit without its `hash` field. */
export async function visitHash(visit: { hash?: unknown } & Record<string, unknown>): Promise<string> {
  const { hash: _omit, ...rest } = visit;
  return sha256Hex(canonicalJson(rest));
}
