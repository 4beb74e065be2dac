/** The server's synchronous visit hash equals the domain's (SPEC §8) on every input, tricky ones too. */
import { describe, expect, it } from 'vitest';
import { visitHash } from '../../src/domain/canonical';
import { canonicalVisit, hasNulCharacter, visitJsonWithHash } from '../../src/server/sync/visit-hash';
import { uuidv7 } from '../../src/domain/ids';
import { makeVisit } from '../factories';

const base = () => ({ placeId: uuidv7(), inspectorIds: [uuidv7()], templateId: uuidv7() });

describe('the server visit hash', () => {
  it('hashes visits exactly as the domain visitHash', async () => {
    const visits = [
      makeVisit(base()),
      makeVisit({ ...base(), note: '事后修改 "引号" \\ 😀', clockOffsetMs: null, taskId: undefined, subjectIds: [uuidv7(), uuidv7()] }),
      { ...makeVisit(base()), extra: { z: 1, a: [3, 2, 1] } },
    ];
    for (const v of visits) {
      const withHash = { ...v, hash: 'f'.repeat(64) };
      expect(canonicalVisit(withHash).hash).toBe(await visitHash(withHash));
      expect(canonicalVisit(withHash).hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('rebuilds the whole visit JSON from the canonical JSON and the hash', async () => {
    for (const v of [makeVisit(base()), makeVisit({ ...base(), note: '备注 "q" 😀', taskId: undefined })]) {
      const { json, hash } = canonicalVisit(v);
      expect(hash).toBe(await visitHash(v));
      expect(JSON.parse(visitJsonWithHash(json, v.hash))).toEqual(JSON.parse(JSON.stringify(v)));
    }
    expect(JSON.parse(visitJsonWithHash('{}', 'ab'))).toEqual({ hash: 'ab' });
  });
});

describe('hasNulCharacter', () => {
  it('finds a NUL character in JSON text, not a backslash that merely precedes "u0000"', () => {
    for (const [value, nul] of [
      ['a\u0000b', true],
      ['\u0000', true],
      ['a\\u0000b', false], // a backslash, then the letters u0000
      ['a\\\u0000b', true], // a backslash, then NUL
      ['a\\\\u0000b', false],
      ['巡查 \u0001 记录', false],
      ['', false],
    ] as const) {
      expect(hasNulCharacter(JSON.stringify({ note: value })), JSON.stringify(value)).toBe(nul);
      expect(hasNulCharacter(JSON.stringify([value])), JSON.stringify(value)).toBe(nul);
    }
    expect(hasNulCharacter(JSON.stringify({ ['k\u0000']: 1 }))).toBe(true);
  });
});
