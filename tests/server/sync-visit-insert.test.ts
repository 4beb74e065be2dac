/**
 * The push's batched visit insert (a jsonb array of fields and a json array of documents, columns
 * derived in SQL) writes the very row `visitToRow` describes, on PGlite and PostgreSQL; and PGlite's
 * large text parameters, sent as bytes, arrive as the same text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Visit } from '../../src/domain/entities';
import { uuidv7 } from '../../src/domain/ids';
import { BINARY_PARAM_MIN_CHARS } from '../../src/server/db/pglite-pool';
import { insertVisits } from '../../src/server/sync/visit-insert';
import { visitWork } from '../../src/server/sync/mutations/visit-common';
import { visitToRow } from '../../src/server/visits/rows';
import { makeVisit } from '../factories';
import { backends, setupContext, type TestContext } from './harness';

describe.each(backends)('batched visit insert on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await setupContext(backend);
  });
  afterAll(() => ctx.close());

  const COLUMNS = [
    'id', 'task_id', 'place_id', 'subject_ids', 'inspector_ids', 'shift', 'style', 'unannounced', 'organization', 'started_at',
    'ended_at', 'outcome', 'device_id', 'hash', 'prev_hash', 'amends_visit_id', 'doc', 'county_id', 'township_id', 'grid_id',
    'clock_offset_ms', 'flags', 'received_at', 'version',
  ] as const;
  const read = async (id: string) => {
    const row = await ctx.db.kysely.selectFrom('visits').select(COLUMNS).where('id', '=', id).executeTakeFirstOrThrow();
    return { ...row, id: undefined };
  };

  it('stores the same row as visitToRow, whatever is null, empty or non-ASCII', async () => {
    const g = ctx.county.grids[0]!;
    const keys = { county_id: ctx.county.county.id, township_id: ctx.county.townships[0]!.id, grid_id: g.id };
    const place = ctx.county.dataset.places[1]!.id;
    const templateId = ctx.county.dataset.templates[0]!.id;
    const inspector = ctx.county.users.workers[0]!.id;
    const receivedAt = new Date('2025-05-12T02:21:03.456Z');
    const variants: Partial<Visit>[] = [
      {},
      { taskId: uuidv7(), subjectIds: [uuidv7(), uuidv7()], prevHash: 'a'.repeat(64), amendsVisitId: uuidv7(), unannounced: true, style: 'covert' },
      { taskId: undefined, amendsVisitId: undefined, position: null, distanceM: null, clockOffsetMs: null, note: '备注 "引号" \\ 😀 \u00e9' },
      { startedAt: '2025-12-31T23:59:59.999Z', endedAt: '2026-01-01T00:00:00+14:00', inspectorIds: [inspector, uuidv7()] },
    ];
    for (const [i, o] of variants.entries()) {
      const a = makeVisit({ placeId: place, templateId, inspectorIds: [inspector], ...o });
      const b = { ...a, id: uuidv7() };
      const c = { ...a, id: uuidv7() };
      const flags = i % 2 ? ['task_cancelled', 'task_reassigned'] : [];
      const offset = i === 2 ? null : 5000 + i;
      await ctx.db.kysely.insertInto('visits').values({ ...visitToRow(a, keys), clock_offset_ms: offset, flags, received_at: receivedAt }).execute();
      // As the push does it: the document's JSON rebuilt from the canonical JSON of the hash check.
      const { doc } = visitWork(c);
      expect(await insertVisits(ctx.db.kysely, [{ visit: b, keys, flags, clockOffsetMs: offset, receivedAt }, { visit: c, doc, keys, flags, clockOffsetMs: offset, receivedAt }])).toBe(2);
      const ra = await read(a.id);
      for (const other of [b, c]) {
        const r = await read(other.id);
        expect({ ...r, doc: { ...(r.doc as Visit), id: a.id } }).toEqual(ra);
      }
    }
  });

  it('inserts only absent ids and says how many it inserted', async () => {
    const keys = { county_id: ctx.county.county.id, township_id: ctx.county.townships[0]!.id, grid_id: ctx.county.grids[0]!.id };
    const v = () => ({
      visit: makeVisit({ placeId: ctx.county.dataset.places[1]!.id, templateId: ctx.county.dataset.templates[0]!.id, inspectorIds: [uuidv7()] }),
      keys,
      flags: [],
      clockOffsetMs: 0,
      receivedAt: new Date(),
    });
    const [x, y, z] = [v(), v(), v()];
    expect(await insertVisits(ctx.db.kysely, [x, y])).toBe(2);
    expect(await insertVisits(ctx.db.kysely, [y, z])).toBe(1);
    expect(await insertVisits(ctx.db.kysely, [])).toBe(0);
  });

  it('passes large text, json and jsonb parameters through unchanged', async () => {
    const big = ('中文 "q" \\ 😀 é \n' + 'x'.repeat(97)).repeat(Math.ceil((BINARY_PARAM_MIN_CHARS * 2) / 110));
    const doc = { big, list: [1, 2.5, null, true], nested: { 键: big.slice(0, 50) } };
    const { rows } = await sql<{ t: string; tl: number; j: string; jb: unknown; v: string }>`
      SELECT ${big}::text AS t, length(${big}::text) AS tl, ${JSON.stringify(doc)}::json::text AS j,
             ${JSON.stringify(doc)}::jsonb AS jb, ${big}::varchar AS v`.execute(ctx.db.kysely);
    expect(rows[0]!.t).toBe(big);
    expect(Number(rows[0]!.tl)).toBe([...big].length);
    expect(JSON.parse(rows[0]!.j)).toEqual(doc);
    expect(rows[0]!.jb).toEqual(doc);
    expect(rows[0]!.v).toBe(big);
    // Just below and at the threshold.
    for (const n of [BINARY_PARAM_MIN_CHARS - 1, BINARY_PARAM_MIN_CHARS]) {
      const s = 'é'.repeat(n);
      const r = await sql<{ t: string; b: number }>`SELECT ${s}::text AS t, octet_length(${s}::text) AS b`.execute(ctx.db.kysely);
      expect(r.rows[0]!.t).toBe(s);
      expect(Number(r.rows[0]!.b)).toBe(2 * n);
    }
  });
});
