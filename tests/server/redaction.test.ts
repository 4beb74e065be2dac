/**
 * PIPL minimisation on read (SPEC §9): the database keeps a changed phone number whole, for the audit,
 * but no route and no sync scope hands it whole to anyone below the county — not in the subject, not in
 * the ledger event's diff of the change, not in the conflict record of an overwritten number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/domain/ids';
import { backends, useContext, type Session } from './harness';
import { mutation, newClientId, newPullState, pullAll, pushOk } from './reliability/helpers';

const OLD = '13912345678';
const BY_COORD = '13700001111';
const BY_ADMIN = '13600002222';
const FULL = [OLD, BY_COORD, BY_ADMIN];
const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;
const AT = '2025-05-12T03:00:00.000Z';

type Diff = Record<string, { from: unknown; to: unknown }>;
interface EventBody {
  id: string;
  action: string;
  diff: Diff;
}

describe.each(backends)('phone numbers redacted on read on %s', (backend) => {
  const { ctx, sessions: [worker, coord, admin] } = useContext(backend, ['worker0', 'coord0', 'admin']);
  let subjectId: string;
  const events: string[] = [];

  beforeAll(async () => {
    const subject = ctx.county.dataset.subjects.find((s) => s.gridId === ctx.county.grids[0]!.id)!;
    subjectId = subject.id;
    expect(subject.phone).toBe(OLD);
    // Two changes of the phone made on the same base version: the second overwrites the first and
    // leaves a conflict record holding both numbers.
    const change = (phone: string) => {
      const eventId = uuidv7();
      events.push(eventId);
      return mutation(1, 'subject.update@1', { id: subjectId, baseVersion: subject.version, patch: { phone }, reason: '更正联系电话', eventId, at: AT });
    };
    expect((await pushOk(ctx, coord, newClientId(), [change(BY_COORD)])).results[0]!.status).toBe('applied');
    expect((await pushOk(ctx, admin, newClientId(), [change(BY_ADMIN)])).results[0]!.status).toBe('applied');
  });

  const get = async (s: Session, url: string) => {
    const res = await ctx.app.inject({ url, headers: s.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const expectNoFullPhone = (body: string) => {
    for (const phone of FULL) expect(body).not.toContain(phone);
  };
  const expectedDiffs = (show: (p: string) => string) => [
    { from: show(OLD), to: show(BY_COORD) },
    { from: show(BY_COORD), to: show(BY_ADMIN) },
  ];

  it('stores the numbers whole', async () => {
    const rows = await ctx.db.kysely.selectFrom('ledger_events').select(['id', 'diff']).where('id', 'in', events).execute();
    const diffs = events.map((id) => (rows.find((r) => r.id === id)!.diff as Diff).phone);
    expect(diffs).toEqual(expectedDiffs((p) => p));
    const subject = await ctx.db.kysely.selectFrom('subjects').select('phone').where('id', '=', subjectId).executeTakeFirstOrThrow();
    expect(subject.phone).toBe(BY_ADMIN);
  });

  it('never pulls a full number to a grid worker: subject, ledger events, snapshot or incremental', async () => {
    // A snapshot after the changes.
    const fresh = await ctx.app.inject({
      method: 'POST',
      url: '/api/sync/pull',
      headers: worker.headers,
      payload: { clientId: newClientId(), epoch: null, cursors: {} },
    });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expectNoFullPhone(fresh.body);

    const state = newPullState();
    const changes = await pullAll(ctx, worker, newClientId(), state, 5);
    expectNoFullPhone(JSON.stringify(changes));
    expect(state.rows.get(`subject:${subjectId}`)?.phone).toBe(masked(BY_ADMIN));
    const pulled = events.map((id) => (state.rows.get(`ledgerEvent:${id}`) as unknown as EventBody).diff.phone);
    expect(pulled).toEqual(expectedDiffs(masked));
  });

  it('never answers a grid worker or a coordinator with a full number from the subject and ledger routes', async () => {
    for (const s of [worker, coord]) {
      const detail = await get(s, `/api/subjects/${subjectId}`);
      expectNoFullPhone(detail.body);
      const body = detail.json<{ phone: string; ledgerEvents: EventBody[] }>();
      expect(body.phone).toBe(masked(BY_ADMIN));
      const inDetail = events.map((id) => body.ledgerEvents.find((e) => e.id === id)!.diff.phone);
      expect(inDetail).toEqual(expectedDiffs(masked));

      const list = await get(s, `/api/ledger-events?subjectId=${subjectId}&limit=200`);
      expectNoFullPhone(list.body);
      const listed = list.json<{ items: EventBody[] }>().items;
      expect(events.map((id) => listed.find((e) => e.id === id)!.diff.phone)).toEqual(expectedDiffs(masked));

      expectNoFullPhone((await get(s, `/api/subjects?limit=200`)).body);
    }
  });

  it('masks an overwritten number in the conflict list for a coordinator, not for the county admin', async () => {
    const conflicts = async (s: Session) =>
      (await get(s, '/api/sync/conflicts?limit=200')).json<{ items: { rowId: string; field: string; overwritten: unknown; winner: unknown }[] }>().items;
    const asCoord = (await conflicts(coord)).filter((c) => c.rowId === subjectId && c.field === 'phone');
    expect(asCoord).toEqual([expect.objectContaining({ overwritten: masked(BY_COORD), winner: masked(BY_ADMIN) })]);
    expectNoFullPhone((await get(coord, '/api/sync/conflicts?limit=200')).body);
    const asAdmin = (await conflicts(admin)).filter((c) => c.rowId === subjectId && c.field === 'phone');
    expect(asAdmin).toEqual([expect.objectContaining({ overwritten: BY_COORD, winner: BY_ADMIN })]);
  });

  it('shows the county admin the whole history', async () => {
    const body = (await get(admin, `/api/subjects/${subjectId}`)).json<{ phone: string; ledgerEvents: EventBody[] }>();
    expect(body.phone).toBe(BY_ADMIN);
    expect(events.map((id) => body.ledgerEvents.find((e) => e.id === id)!.diff.phone)).toEqual(expectedDiffs((p) => p));
  });
});
