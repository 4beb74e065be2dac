import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex, toHex, visitHash } from '../../src/domain/canonical';
import { visitSchema } from '../../src/domain/entities';
import { uuidv7 } from '../../src/domain/ids';
import { makeVisit } from '../factories';

describe('canonicalJson', () => {
  it('sorts keys recursively, keeps array order, adds no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: 1, y: [2, 1] }], c: 'x' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[3,{"y":[2,1],"z":1}]},"b":1}');
  });

  it('gives the same text for objects built in different key orders', () => {
    expect(canonicalJson({ x: 1, y: { p: null, q: true } })).toBe(canonicalJson({ y: { q: true, p: null }, x: 1 }));
  });

  it('drops undefined properties like JSON.stringify, keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('keeps non-ASCII text as UTF-8 characters', () => {
    expect(canonicalJson({ 名称: '网格' })).toBe('{"名称":"网格"}');
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vector for "abc"', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes bytes the same as the equivalent string', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(await sha256Hex('abc'));
  });

  it('formats bytes as lowercase hex', () => {
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe('000fff');
  });
});

describe('visitHash', () => {
  const visit = { id: 'v1', answers: [{ itemCode: 'A1', value: false }], prevHash: null };

  it('is the SHA-256 of the canonical JSON without the hash field', async () => {
    const h = await visitHash(visit);
    expect(h).toBe(await sha256Hex(canonicalJson(visit)));
    expect(await visitHash({ ...visit, hash: h })).toBe(h);
    expect(await visitHash({ ...visit, hash: 'anything' })).toBe(h);
  });

  it('changes when any other field changes', async () => {
    expect(await visitHash({ ...visit, prevHash: 'a'.repeat(64) })).not.toBe(await visitHash(visit));
  });
});

/** The literal definition of SPEC §8: JSON.stringify of the value with object keys sorted recursively. */
function literalCanonical(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

/** `{a: {a: … {z: 1, y: 2}}}`, `depth` levels down: beyond the fast path's reach. */
function deepest(depth: number): unknown {
  let v: unknown = { z: 1, y: 2 };
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const tricky: unknown[] = [
  null,
  true,
  0,
  -0,
  1e21,
  1.5e-7,
  -123.456,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'plain',
  'quote " backslash \\ newline \n tab \t nul \u0000 ctrl \u001f',
  '中文 émoji 😀 lone \ud800 surrogate \udc00',
  [],
  [1, 'a', null, undefined, () => 1, Symbol('s'), [[]], {}],
  { b: 1, a: 2, B: 3, _: 4, '': 5, 中: 6, é: 7, '10': 8, '2': 9, z: undefined, f: () => 1 },
  { nested: { z: [{ y: 1, x: [{ d: 1, c: 2 }] }], a: { '\u00e9': 1, e: 2 } } },
  // Array-index keys: an object lists them first, by value, even after sorting.
  { '4294967295': 1, '4294967294': 2, '01': 3, '1': 4, '-1': 5, '1.5': 6, '0': 7, ' 1': 8, a: 9 },
  { arr: [{ k: undefined }, { k: null }] },
  // Already in canonical order (the native serialiser writes these), and what must not take that path.
  { a: 1, b: { c: [1, { d: null, e: 'x' }], f: '中' }, g: [] },
  { '1': 'a', '2': { x: 1 }, a: 1, b: 2 },
  { a: 1, b: { d: 1, c: 2 } },
  { a: new Date(0), b: 1 },
  { a: Object.assign(Object.create(null) as object, { y: 1, x: 2 }) },
  { a: Object.assign(Object.create(null) as object, { x: 1, y: 2 }) },
  { a: new String('boxed'), b: new Number(1) },
  { a: new (class Point { x = 1; y = 2 })() },
  { a: sparse() },
  deepest(40),
];

/** [1, <hole>, 3]: a hole serialises as null. */
function sparse(): unknown[] {
  const a: unknown[] = new Array(3);
  a[0] = 1;
  a[2] = 3;
  return a;
}


describe('canonicalJson against the literal definition', () => {
  it('writes exactly what JSON.stringify of the key-sorted value writes, on tricky inputs', () => {
    for (const v of tricky) expect(canonicalJson(v)).toBe(literalCanonical(v));
    // Repeated keys come from the quoted-key cache: still the same text.
    for (const v of tricky) expect(canonicalJson(v)).toBe(literalCanonical(v));
  });

  it('parses a visit into canonical key order, so that its canonical JSON is JSON.stringify of it', () => {
    const visit = makeVisit({ placeId: uuidv7(), templateId: uuidv7(), inspectorIds: [uuidv7()], position: { lat: 27.7, lng: 106.9, accuracy: 8, at: '2025-05-12T02:00:00Z' } });
    // Keys in reverse order at every level, as a device might send them.
    const reversed = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
    const parsed = visitSchema.parse(reversed(visit));
    expect(JSON.stringify(parsed)).toBe(literalCanonical(parsed));
    expect(canonicalJson(parsed)).toBe(literalCanonical(visit));
  });

  it('throws on a bigint as JSON.stringify does', () => {
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
  });
});
