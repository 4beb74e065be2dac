/** The pull response writer splices stored visit documents in as text: the JSON means the same. */
import { describe, expect, it } from 'vitest';
import { pullResponseJson, RawJson, type PullResult } from '../../src/server/sync/pull';

describe('pullResponseJson', () => {
  it('writes the same response JSON.stringify would, with stored documents passed through', () => {
    // PostgreSQL's jsonb text: spaces after colons and commas, keys in its own order.
    const doc = '{"id": "v1", "note": "巡查\\n\\"引号\\"", "answers": [{"value": 1.5, "itemCode": "A1"}], "taskId": null}';
    const res: PullResult = {
      epoch: 'e1',
      lastMutationId: 7,
      hasMore: false,
      cursors: { 'grid:g1': 'c1', global: null },
      dropScopes: ['grid:g0'],
      changes: [
        { entity: 'visit', op: 'put', id: 'v1', data: new RawJson(doc) },
        { entity: 'place', op: 'put', id: 'p1', data: { id: 'p1', name: '咖啡馆' } },
        { entity: 'task', op: 'del', id: 't1' },
      ],
    };
    const written = pullResponseJson(res);
    expect(written).toContain(doc);
    expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(res)));
    expect((JSON.parse(written) as { changes: { data: unknown }[] }).changes[0]!.data).toEqual({ id: 'v1', note: '巡查\n"引号"', answers: [{ value: 1.5, itemCode: 'A1' }], taskId: null });
    expect(JSON.parse(pullResponseJson({ ...res, changes: [] }))).toMatchObject({ changes: [] });
  });
});
