/**
 * Canonical JSON (object keys sorted recursively, no whitespace) and SHA-256 over it, used for the
 * visit hash chain of SPEC §8: `hash` = sha256(canonical(visit without hash)).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** JSON.stringify of the key-sorted value; `undefined` properties are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
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
