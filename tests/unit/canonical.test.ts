import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex, toHex, visitHash } from '../../src/domain/canonical';

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
