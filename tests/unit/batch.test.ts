import { describe, expect, it } from 'vitest';
import { BatchLoader } from '../../src/server/util/batch';

describe('BatchLoader', () => {
  it('loads the keys asked for in one turn with one call, each caller getting its own value', async () => {
    const calls: string[][] = [];
    const loader = new BatchLoader<string, number>((keys) => {
      calls.push(keys);
      return Promise.resolve(new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length])));
    });
    const got = await Promise.all(['a', 'bb', 'a', 'missing', 'ccc'].map((k) => loader.load(k)));
    expect(got).toEqual([1, 2, 1, undefined, 3]);
    // One call, each key once.
    expect(calls).toEqual([['a', 'bb', 'missing', 'ccc']]);
    // A later turn is a new batch.
    expect(await loader.load('dddd')).toBe(4);
    expect(calls).toHaveLength(2);
  });

  it('splits a crowd into batches of at most maxBatch keys', async () => {
    const sizes: number[] = [];
    const loader = new BatchLoader<number, number>((keys) => {
      sizes.push(keys.length);
      return Promise.resolve(new Map(keys.map((k) => [k, k * 2])));
    }, 3);
    const got = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((k) => loader.load(k)));
    expect(got).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('rejects every caller of a failed batch, and the next batch is loaded afresh', async () => {
    let fail = true;
    const loader = new BatchLoader<string, string>((keys) =>
      fail ? Promise.reject(new Error('database gone')) : Promise.resolve(new Map(keys.map((k) => [k, k.toUpperCase()]))),
    );
    const results = await Promise.allSettled([loader.load('x'), loader.load('y')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await loader.load('x')).toBe('X');
  });

  it('rejects the callers of a loader that throws before returning a promise, never leaving them waiting', async () => {
    const loader = new BatchLoader<string, string>(() => {
      throw new Error('bad statement');
    });
    await expect(loader.load('x')).rejects.toThrow('bad statement');
  });
});
