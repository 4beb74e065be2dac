/**
 * Client side of reliability under concurrency and interruption (cases 6, 8, 9, 10): stale pull
 * answers, reloads in the middle of a save and of a push, two tabs, two people editing one subject.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { submitVisit, updateSubject } from '../../../src/client/db/repositories';
import { rowKey } from '../../../src/client/db/database';
import { backends, countIds, lastMutationIdOf } from '../harness';
import { answersOf, expectConverged, syncPastHorizon, expectOnce, noLocks, startClientWorld, type ClientWorld, type Device, syncedDevice } from './clientHarness';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe.each(backends)('client concurrency on %s', (backend) => {
  let w: ClientWorld;
  beforeAll(async () => {
    w = await startClientWorld(backend);
  });
  afterAll(() => w.close());

  const ready = (username: string, options: Parameters<ClientWorld['device']>[1] = {}) => syncedDevice(w, username, options);

  it('6: a pull answer overtaken by a newer pull (another tab, no Web Locks) is discarded, not applied over it', async () => {
    const a = await ready('worker2', { locks: noLocks });
    const b = a.tab();
    const place = w.county.dataset.places.find((p) => p.gridId === w.county.grids[2]!.id)!;
    const answered = gate();
    const release = gate();
    a.faults.push({ on: 'pull', kind: 'hold', release: release.promise, onHeld: answered.open });
    const slow = a.sync();
    await answered.promise; // A's pull was answered by the server; the answer is still on the way
    await w.db.kysely.updateTable('places').set({ name: '已改名的场所' }).where('id', '=', place.id).execute();
    await b.sync(); // B pulls the rename and moves the cursors on (again while the horizon lags)
    await syncPastHorizon(b, async () => (await b.db.places.get(place.id))?.name === '已改名的场所');
    expect((await b.db.places.get(place.id))?.name).toBe('已改名的场所');
    release.open();
    const result = await slow;
    expect(result.stalePages).toBe(1);
    expect((await a.db.places.get(place.id))?.name).toBe('已改名的场所');
    await a.sync();
    await expectConverged(w, a);
  });

  it('8a: a reload in the middle of a save leaves the row and its outbox entry together or not at all', async () => {
    const d = await ready('worker0');
    let current = d;
    const outcomes: boolean[] = [];
    const saved: string[] = [];
    // The reload comes a number of event-loop turns after the save starts, or from inside the save's
    // transaction (its first outbox write). Two cuts have a certain outcome: after 0 turns the save has
    // not reached its transaction and fails; a transaction already running when the connection closes
    // still commits (IndexedDB lets it finish), so the save keeps both its row and its entry.
    for (const cut of [0, 0, 1, 2, 3, 5, 8, 13, 'in the transaction'] as const) {
      const draft = current.visitDraft();
      const page = current;
      let reloading: Promise<Device> | undefined;
      if (cut === 'in the transaction') page.db.outbox.hook('creating', () => void (reloading ??= page.reload()));
      const save = submitVisit(page.db, draft).then(
        () => true,
        () => false,
      );
      if (cut === 'in the transaction') {
        await save;
        expect(reloading).toBeDefined(); // the hook did reload in the middle of the transaction
      } else for (let i = 0; i < cut; i++) await new Promise((r) => setImmediate(r));
      const reloaded = await (reloading ?? page.reload());
      await save;
      current = reloaded;
      const row = await current.db.visits.get(draft.id);
      const entries = await current.db.outbox.where('keys').equals(rowKey('visit', draft.id)).count();
      expect([!!row, entries]).toEqual(row ? [true, 1] : [false, 0]);
      outcomes.push(!!row);
      if (row) saved.push(draft.id);
    }
    // The resumed device syncs what it kept, once.
    await current.sync();
    expect(await countIds(w, 'visits', saved)).toBe(saved.length);
    await expectConverged(w, current);
    expect(outcomes.length).toBe(9);
    // The reloads did cut saves off, and did not cut off every one.
    expect(outcomes).toContain(false);
    expect(outcomes).toContain(true);
    expect([outcomes[0], outcomes[8]]).toEqual([false, true]);
  });

  it('8b: a reload in the middle of a push: the new page resumes it, nothing lost or doubled', async () => {
    const d = await ready('worker0');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submitVisit(d.db, d.visitDraft())).visit.id);
    const answered = gate();
    const release = gate();
    d.faults.push({ on: 'push', kind: 'hold', release: release.promise, onHeld: answered.open });
    const abandoned = d.sync().catch((e: unknown) => e);
    await answered.promise; // the server committed the push; the page goes away before the answer
    const page2 = await d.reload();
    release.open();
    expect(await abandoned).toBeInstanceOf(Error); // the old page's database is closed
    expect((await page2.db.outbox.toArray()).map((e) => e.acked)).toEqual([0, 0, 0]);
    ids.push((await submitVisit(page2.db, page2.visitDraft())).visit.id);
    await page2.sync();
    const clientId = await page2.db.clientId();
    expectOnce(answersOf(clientId, d, page2), [1, 2, 3, 4]);
    expect(await lastMutationIdOf(w, clientId)).toBe(4);
    expect(await countIds(w, 'visits', ids)).toBe(4);
    await expectConverged(w, page2);
  });

  for (const locking of ['Web Locks', 'no Web Locks'] as const) {
    it(`9: two tabs writing at once (${locking}): seqs unique and increasing, one visit chain, every record on the server once`, async () => {
      const a = await ready('worker3', { locks: locking === 'no Web Locks' ? noLocks : null });
      const b = a.tab();
      const ids: string[] = [];
      const writer = (tab: Device) => async () => {
        const given: number[] = [];
        for (let i = 0; i < 6; i++) {
          const { visit, seq } = await submitVisit(tab.db, tab.visitDraft());
          ids.push(visit.id);
          given.push(seq);
        }
        return given;
      };
      const [seqsA, seqsB] = await Promise.all([writer(a)(), writer(b)(), a.sync(), b.sync()]);
      // Each tab's saves got increasing seqs, and the two tabs together used 1..12, each once.
      for (const given of [seqsA, seqsB]) expect(given.slice(1).every((s, i) => s > given[i]!), given.join(',')).toBe(true);
      expect([...seqsA, ...seqsB].sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const outbox = await a.db.outbox.toArray();
      const seqs = outbox.map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      await Promise.all([a.settle(), b.settle()]);
      await a.sync();
      expect(await countIds(w, 'visits', ids)).toBe(12);
      const clientId = await a.db.clientId();
      expectOnce(answersOf(clientId, a, b), Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await lastMutationIdOf(w, clientId)).toBe(12);
      // One chain: every visit's prevHash names a different predecessor.
      const local = (await a.db.visits.bulkGet(ids)).map((v) => v!);
      const prevs = local.map((v) => v.prevHash);
      expect(new Set(prevs).size).toBe(prevs.length);
      expect(prevs.filter((p) => p === null).length).toBeLessThanOrEqual(1);
      await expectConverged(w, a);
      await expectConverged(w, b);
    });
  }

  it('10: offline edits by two people to one subject merge per field, keep the overwritten value, and converge', async () => {
    const subject = w.county.dataset.subjects.find((s) => s.gridId === w.county.grids[0]!.id)!;
    const worker = await ready('worker0');
    const coord = await ready('coord0');
    // Both offline: the worker changes the phone and the risk, the coordinator the name and the risk.
    await updateSubject(worker.db, subject.id, { phone: '13700001111', riskLevel: 'low' }, '电话变更，风险降低');
    await updateSubject(coord.db, subject.id, { name: '更名后的机构', riskLevel: 'medium' }, '核实后更名');
    await worker.sync();
    await coord.sync();
    await worker.sync();
    const row = await w.db.kysely.selectFrom('subjects').selectAll().where('id', '=', subject.id).executeTakeFirstOrThrow();
    expect({ name: row.name, phone: row.phone, risk: row.risk_level }).toEqual({ name: '更名后的机构', phone: '13700001111', risk: 'medium' });
    const conflicts = await w.db.kysely.selectFrom('sync_conflict').selectAll().where('row_id', '=', subject.id).execute();
    expect(conflicts.map((c) => [c.field, c.overwritten, c.winner])).toEqual([['riskLevel', 'low', 'medium']]);
    const events = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ledger_events WHERE subject_id = ${subject.id} AND action = 'update'`.execute(w.db.kysely);
    expect(events.rows[0]!.n).toBe(1 + 2); // the factory's own update event and one per edit
    for (const d of [worker, coord]) {
      await expectConverged(w, d);
      expect(await d.db.subjects.get(subject.id)).toMatchObject({ name: '更名后的机构', riskLevel: 'medium' });
    }
  });
});
