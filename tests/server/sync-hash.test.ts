/** The server's synchronous visit hash equals the domain's (SPEC §8) on every input, tricky ones too. */
import { describe, expect, it } from 'vitest';
import { visitHash } from '../../src/domain/canonical';
import { canonicalVisit, visitJsonWithHash } from '../../src/server/sync/visit-hash';
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
