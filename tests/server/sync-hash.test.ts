/** The server's synchronous visit hash equals the domain's (SPEC §8) on every input, tricky ones too. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, visitHash } from '../../src/domain/canonical';
import { canonicalJsonFast, canonicalVisit, visitHashSync, visitJsonWithHash } from '../../src/server/sync/visit-hash';
import { uuidv7 } from '../../src/domain/ids';
import { makeVisit } from '../factories';

const base = () => ({ placeId: uuidv7(), inspectorIds: [uuidv7()], templateId: uuidv7() });

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
];

describe('the server visit hash', () => {
  it('serialises exactly as the domain canonical JSON', () => {
    for (const v of tricky) expect(canonicalJsonFast(v)).toBe(canonicalJson(v));
    // Repeated keys come from the quoted-key cache: still the same text.
    for (const v of tricky) expect(canonicalJsonFast(v)).toBe(canonicalJson(v));
  });

  it('hashes visits exactly as the domain visitHash', async () => {
    const visits = [
      makeVisit(base()),
      makeVisit({ ...base(), note: '事后修改 "引号" \\ 😀', clockOffsetMs: null, taskId: undefined, subjectIds: [uuidv7(), uuidv7()] }),
      { ...makeVisit(base()), extra: { z: 1, a: [3, 2, 1] } },
    ];
    for (const v of visits) {
      const withHash = { ...v, hash: 'f'.repeat(64) };
      expect(visitHashSync(withHash)).toBe(await visitHash(withHash));
      expect(visitHashSync(withHash)).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('rebuilds the whole visit JSON from the canonical JSON and the hash', () => {
    for (const v of [makeVisit(base()), makeVisit({ ...base(), note: '备注 "q" 😀', taskId: undefined })]) {
      const { json, hash } = canonicalVisit(v);
      expect(hash).toBe(visitHashSync(v));
      expect(JSON.parse(visitJsonWithHash(json, v.hash))).toEqual(JSON.parse(JSON.stringify(v)));
    }
    expect(JSON.parse(visitJsonWithHash('{}', 'ab'))).toEqual({ hash: 'ab' });
  });

  it('throws on a bigint as JSON.stringify does', () => {
    expect(() => canonicalJsonFast({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
  });
});
