/** The sync API (SPEC §8): push of every mutation, pull per scope, conflicts, and who sees what. */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { uuidv7 } from '../../src/domain/ids';
import { MUTATION_ARGS } from '../../src/domain/sync';
import { MUTATIONS } from '../../src/server/sync/mutations';
import { auditTrail } from '../../src/server/audit/log';
import { makeTask } from '../factories';
import { taskToRow } from '../../src/server/tasks/rows';
import { backends, testConfig, useContext, type Session } from './harness';
import { ids, mutation, newClientId, newPullState, pullAll, pushOk, pushRaw, signedVisit, submit } from './reliability/helpers';

describe('the mutation registry', () => {
  it('implements every mutation of the contract', () => {
    expect(MUTATIONS.names()).toEqual(Object.keys(MUTATION_ARGS).sort());
  });
});

describe.each(backends)('sync on %s', (backend) => {
  const { ctx, sessions: [worker, coord, manager] } = useContext(backend, ['worker0', 'coord0', 'manager0']);

  const place = (i: number) => ctx.county.dataset.places[i]!;

  it('applies a visit, records receipt and clock offset, audits it, and answers a resend as duplicate', async () => {
    const clientId = newClientId();
    const visit = await signedVisit(ctx, worker, { placeId: place(1).id });
    const sentAt = new Date(Date.now() - 5000).toISOString();
    const first = await pushOk(ctx, worker, clientId, [submit(1, visit)], sentAt);
    expect(first).toEqual({ lastMutationId: 1, results: [{ seq: 1, status: 'applied' }] });
    const row = await ctx.db.kysely.selectFrom('visits').select(['clock_offset_ms', 'received_at', 'flags', 'grid_id']).where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect(Number(row.clock_offset_ms)).toBeGreaterThanOrEqual(5000);
    expect(row.grid_id).toBe(ctx.county.grids[0]!.id);
    // Audited once: who, on which device, by which client and mutation (one audit row per push batch).
    const audit = await auditTrail(ctx.db.kysely, 'visit', visit.id);
    expect(audit.map((a) => a.action)).toEqual(['sync.visit.submit@1']);
    expect(audit[0]).toMatchObject({ userId: worker.userId, deviceId: worker.deviceId, details: { clientId, seq: 1 } });
    const again = await pushOk(ctx, worker, clientId, [submit(1, visit)]);
    expect(again.results).toEqual([{ seq: 1, status: 'duplicate' }]);
    // The same visit under a new seq (a re-created outbox entry) is a duplicate success, not a second row.
    const replay = await pushOk(ctx, worker, clientId, [submit(2, visit)]);
    expect(replay.results).toEqual([{ seq: 2, status: 'duplicate' }]);
    const n = await ctx.db.kysely.selectFrom('visits').select(sql<number>`count(*)::int`.as('n')).where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect(n.n).toBe(1);
  });

  it('rejects a tampered visit, bad answers, a foreign place, another device and a changed visit under a known id', async () => {
    const clientId = newClientId();
    const good = await signedVisit(ctx, worker, { placeId: place(1).id });
    const tampered = { ...(await signedVisit(ctx, worker, { placeId: place(1).id })), note: '事后修改' };
    const badAnswers = await signedVisit(ctx, worker, { placeId: place(1).id, outcome: 'issue_found' });
    const foreign = await signedVisit(ctx, worker, { placeId: ctx.county.dataset.places[3]!.id });
    const otherDevice = await signedVisit(ctx, worker, { placeId: place(1).id, deviceId: 'another-device' });
    const sameIdOther = await signedVisit(ctx, worker, { placeId: place(1).id, id: good.id, note: '不同内容' });
    const res = await pushOk(ctx, worker, clientId, [submit(1, good), submit(2, tampered), submit(3, badAnswers), submit(4, foreign), submit(5, otherDevice), submit(6, sameIdOther)]);
    expect(res.lastMutationId).toBe(6);
    expect(res.results.map((r) => [r.status, r.code])).toEqual([
      ['applied', undefined],
      ['rejected', 'hash_mismatch'],
      ['rejected', 'invalid_answers'],
      ['rejected', 'place_not_found'],
      ['rejected', 'device_mismatch'],
      ['rejected', 'visit_conflict'],
    ]);
    for (const r of res.results.slice(1)) expect(r.reason).toMatch(/[\u4e00-\u9fa5]/);
    // The batch is recorded once with what it decided; each rejected mutation with its code and reason.
    const batches = await ctx.db.kysely.selectFrom('sync_batch').selectAll().where('client_id', '=', clientId).execute();
    expect(batches.map((b) => [Number(b.first_seq), Number(b.last_seq), b.applied, b.duplicates, b.rejected])).toEqual([[1, 6, 1, 0, 5]]);
    const stored = await ctx.db.kysely.selectFrom('mutation_result').selectAll().where('client_id', '=', clientId).orderBy('seq').execute();
    expect(stored.map((r) => [Number(r.seq), r.status, r.code, r.reason])).toEqual(res.results.slice(1).map((r) => [r.seq, 'rejected', r.code, r.reason]));
    // A rejected mutation keeps its arguments: nothing the device sent is lost.
    expect((stored[0]!.args as { visit: { id: string; note: string } }).visit).toMatchObject({ id: tampered.id, note: '事后修改' });
    expect(stored.map((r) => (r.args as { visit: { id: string } }).visit.id)).toEqual([tampered.id, badAnswers.id, foreign.id, otherDevice.id, sameIdOther.id]);
  });

  it('rejects unknown mutations and versions, and malformed arguments, without wedging the queue', async () => {
    const clientId = newClientId();
    const v = await signedVisit(ctx, worker, { placeId: place(1).id });
    const res = await pushOk(ctx, worker, clientId, [
      mutation(1, 'visit.teleport@1', {}),
      mutation(2, 'visit.submit@9', { visit: v }),
      mutation(3, 'visit.submit@1', { visit: { id: 'nope' } }),
      submit(4, v),
    ]);
    expect(res.results.map((r) => r.code ?? r.status)).toEqual(['unknown_mutation', 'unknown_mutation', 'invalid_args', 'applied']);
  });

  it('keeps field work for a task reassigned or cancelled meanwhile, and flags it', async () => {
    const g = ctx.county.grids[0]!;
    const other = ctx.county.users.workers[1]!;
    const t = makeTask({ townshipId: ctx.county.townships[0]!.id, gridId: g.id, assigneeIds: [other.id], placeIds: [place(1).id], createdBy: ctx.county.users.coordinators[0]!.id, status: 'cancelled' });
    await ctx.db.kysely.insertInto('tasks').values(taskToRow(t, { county_id: ctx.county.county.id, township_id: t.townshipId, grid_id: g.id })).execute();
    const v = await signedVisit(ctx, worker, { placeId: place(1).id, taskId: t.id });
    const res = await pushOk(ctx, worker, newClientId(), [submit(1, v)]);
    expect(res.results[0]!.status).toBe('applied');
    const row = await ctx.db.kysely.selectFrom('visits').select('flags').where('id', '=', v.id).executeTakeFirstOrThrow();
    expect(row.flags.sort()).toEqual(['task_cancelled', 'task_reassigned']);
  });

  it('moves tasks through their state machine, for assignees only', async () => {
    const [openTask, , unannounced] = ctx.county.dataset.tasks;
    const clientId = newClientId();
    const at = '2025-05-12T02:00:00.000Z';
    const res = await pushOk(ctx, worker, clientId, [
      mutation(1, 'task.start@1', { taskId: openTask!.id, at }),
      mutation(2, 'task.start@1', { taskId: openTask!.id, at }),
      mutation(3, 'task.complete@1', { taskId: openTask!.id, at, visitIds: [], note: '2号场所已拆除' }),
      mutation(4, 'task.complete@1', { taskId: unannounced!.id, at, visitIds: [] }),
    ]);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'duplicate', 'applied', 'applied']);
    const other = await ctx.login('worker1');
    const res2 = await pushOk(ctx, other, newClientId(), [mutation(1, 'task.start@1', { taskId: openTask!.id, at })]);
    expect(res2.results[0]!.code).toBe('task_not_found');
    const res3 = await pushOk(ctx, manager, newClientId(), [mutation(1, 'task.start@1', { taskId: openTask!.id, at })]);
    expect(res3.results[0]!.code).toBe('task_not_found');
    const row = await ctx.db.kysely.selectFrom('tasks').select(['status', 'version']).where('id', '=', openTask!.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'done', version: 3 });
    // The reason for unvisited places reaches the coordinator's list.
    const coord = await ctx.login('coord0');
    const listed = await ctx.app.inject({ method: 'GET', url: `/api/tasks?status=done&limit=500`, headers: coord.headers });
    expect(listed.json<{ items: { id: string; completionNote?: string }[] }>().items.find((t) => t.id === openTask!.id)?.completionNote).toBe('2号场所已拆除');
  });

  it('merges concurrent subject edits per field, keeps the overwritten value for the coordinator', async () => {
    const subject = ctx.county.dataset.subjects[0]!;
    const at = '2025-05-12T03:00:00.000Z';
    const upd = (seq: number, patch: Record<string, unknown>) =>
      mutation(seq, 'subject.update@1', { id: subject.id, baseVersion: subject.version, patch, reason: '核实更新', eventId: uuidv7(), at });
    const a = await pushOk(ctx, worker, newClientId(), [upd(1, { name: '甲名称', riskLevel: 'high' })]);
    const b = await pushOk(ctx, coord, newClientId(), [upd(1, { name: '乙名称', placeIds: [] })]);
    expect([a.results[0]!.status, b.results[0]!.status]).toEqual(['applied', 'applied']);
    const row = await ctx.db.kysely.selectFrom('subjects').selectAll().where('id', '=', subject.id).executeTakeFirstOrThrow();
    expect([row.name, row.risk_level, row.place_ids]).toEqual(['乙名称', 'high', []]);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: coord.headers });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { entity: string; field: string; overwritten: unknown; winner: unknown }[] }>().items;
    expect(items).toContainEqual(expect.objectContaining({ entity: 'subject', field: 'name', overwritten: '甲名称', winner: '乙名称' }));
    const events = await ctx.db.kysely.selectFrom('ledger_events').select('action').where('subject_id', '=', subject.id).execute();
    expect(events.filter((e) => e.action === 'update').length).toBeGreaterThanOrEqual(3);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: worker.headers })).statusCode).toBe(403);
    const other = await ctx.login('coord1');
    const foreign = await ctx.app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: other.headers });
    expect(foreign.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('creates, delists and relists subjects idempotently by event id', async () => {
    const g = ctx.county.grids[0]!;
    const subject = { ...ctx.county.dataset.subjects[0]!, id: uuidv7(), name: '新登记机构', creditCode: null } as Record<string, unknown>;
    delete subject.version;
    const eventId = uuidv7();
    const at = '2025-05-12T03:00:00.000Z';
    const delist = mutation(2, 'subject.delist@1', { id: subject.id, reason: '已停业', eventId: uuidv7(), at });
    const res = await pushOk(ctx, worker, newClientId(), [
      mutation(1, 'subject.create@1', { subject: { ...subject, gridId: g.id }, eventId }),
      delist,
      { ...delist, seq: 3 },
      mutation(4, 'subject.delist@1', { id: subject.id, reason: '再次出账', eventId: uuidv7(), at }),
      mutation(5, 'subject.relist@1', { id: subject.id, reason: '复业', eventId: uuidv7(), at }),
    ]);
    expect(res.results.map((r) => r.code ?? r.status)).toEqual(['applied', 'applied', 'duplicate', 'already_delisted', 'applied']);
    const events = await ctx.db.kysely.selectFrom('ledger_events').select('action').where('subject_id', '=', subject.id as string).orderBy('at').execute();
    expect(events.map((e) => e.action).sort()).toEqual(['delist', 'list', 'relist']);
  });

  it('updates places field by field; grid workers may not name managers', async () => {
    const p = place(2);
    const res = await pushOk(ctx, worker, newClientId(), [
      mutation(1, 'place.update@1', { id: p.id, baseVersion: p.version, patch: { riskLevel: 'high', tags: ['夜间'] } }),
      mutation(2, 'place.update@1', { id: p.id, baseVersion: p.version, patch: { managerIds: [worker.userId] } }),
    ]);
    expect(res.results.map((r) => r.code ?? r.status)).toEqual(['applied', 'forbidden']);
    const row = await ctx.db.kysely.selectFrom('places').select(['risk_level', 'tags', 'version', 'field_versions']).where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ risk_level: 'high', tags: ['夜间'], version: p.version + 1, field_versions: { riskLevel: p.version + 1, tags: p.version + 1 } });
  });

  it('opens cases as the caller, moves them by role, and refuses illegal transitions with the domain reason', async () => {
    const g = ctx.county.grids[0]!;
    const caseId = uuidv7();
    const c = {
      id: caseId, source: 'building_manager', placeId: ctx.county.managedPlace.id, subjectIds: [], gridId: g.id, townshipId: ctx.county.townships[0]!.id,
      categories: ['location'], summary: '楼内疑似有补课', reportedAt: '2025-05-12T02:00:00.000Z', reportedBy: null, visitId: null,
      status: 'pending_verification', deadlineAt: null, publishable: false, trackingCode: null, events: [],
    };
    const bm = await pushOk(ctx, manager, newClientId(), [
      mutation(1, 'case.open@1', { case: c }),
      mutation(2, 'case.open@1', { case: { ...c, id: uuidv7(), source: 'patrol' } }),
      mutation(3, 'case.open@1', { case: { ...c, id: uuidv7(), placeId: place(1).id } }),
      mutation(4, 'case.transition@1', { caseId, eventId: uuidv7(), to: 'verifying', at: '2025-05-12T03:00:00.000Z', evidence: [] }),
    ]);
    expect(bm.results.map((r) => r.code ?? r.status)).toEqual(['applied', 'forbidden', 'place_not_found', 'case_not_found']);
    const stored = await ctx.db.kysely.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    expect([stored.reported_by, stored.status, stored.version]).toEqual([manager.userId, 'pending_verification', 1]);

    const t = (seq: number, to: string, eventId = uuidv7()) => mutation(seq, 'case.transition@1', { caseId, eventId, to, at: '2025-05-12T04:00:00.000Z', note: '核查', evidence: [] });
    const verify = t(1, 'verifying');
    const w = await pushOk(ctx, worker, newClientId(), [verify, { ...verify, seq: 2 }, t(3, 'filed'), t(4, 'closed')]);
    expect(w.results.map((r) => r.code ?? r.status)).toEqual(['applied', 'duplicate', 'forbidden', 'illegal_transition']);
    expect(w.results[3]!.reason).toContain('核查中');
    const co = await pushOk(ctx, coord, newClientId(), [t(1, 'filed')]);
    expect(co.results[0]!.status).toBe('applied');
    const after = await ctx.db.kysely.selectFrom('cases').select(['status', 'events']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(after.status).toBe('filed');
    expect((after.events).length).toBe(3);
  });

  it('refuses another user or device pushing under a client id, and writes nothing', async () => {
    const clientId = newClientId();
    const v = await signedVisit(ctx, worker, { placeId: place(1).id });
    await pushOk(ctx, worker, clientId, [submit(1, v)]);
    const other = await ctx.login('worker1');
    const res = await pushRaw(ctx, other, clientId, [submit(2, v)]);
    expect(res.statusCode).toBe(403);
    const sameUserOtherDevice = await ctx.login('worker0');
    expect((await pushRaw(ctx, sameUserOtherDevice, clientId, [submit(2, v)])).statusCode).toBe(403);
    const pull = await ctx.app.inject({ method: 'POST', url: '/api/sync/pull', headers: other.headers, payload: { clientId, epoch: null, cursors: {} } });
    expect(pull.statusCode).toBe(403);
  });

  it('serves every pull when more arrive at once than it serves at a time, refused ones included', async () => {
    // testConfig serves 2 pulls at a time: 6 good pulls and 3 refused ones queue for the permits, and
    // a refused pull (403 from inside the pull) hands its permit on.
    expect(testConfig.syncPullConcurrency).toBe(2);
    const mine = newClientId();
    await pushOk(ctx, worker, mine, [submit(1, await signedVisit(ctx, worker, { placeId: place(1).id }))]);
    const request = (s: Session, clientId: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/sync/pull', headers: s.headers, payload: { clientId, epoch: null, cursors: {} } });
    const responses = await Promise.all([
      ...Array.from({ length: 3 }, () => request(coord, mine)),
      ...Array.from({ length: 6 }, () => request(worker, mine)),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([403, 403, 403, 200, 200, 200, 200, 200, 200]);
    const bodies = responses.slice(3).map((r) => r.json<{ lastMutationId: number; changes: unknown[] }>());
    for (const b of bodies) expect(b).toMatchObject({ lastMutationId: 1, changes: bodies[0]!.changes });
  });

  it('pulls a grid worker\'s grid and the global scope, with lastMutationId of the same snapshot', async () => {
    const clientId = newClientId();
    const v = await signedVisit(ctx, worker, { placeId: place(1).id });
    await pushOk(ctx, worker, clientId, [submit(1, v)]);
    const state = newPullState();
    await pullAll(ctx, worker, clientId, state, 7);
    const g0 = ctx.county.grids[0]!.id;
    expect(Object.keys(state.cursors).sort()).toEqual([`grid:${g0}`, 'global'].sort());
    expect(state.lastMutationId).toBe(1);
    expect(ids(state, 'visit')).toContain(v.id);
    expect(ids(state, 'task').length).toBeGreaterThanOrEqual(3);
    expect(ids(state, 'checklistTemplate')).toEqual([ctx.county.dataset.templates[0]!.id]);
    // Regions: the grid and its ancestors; users: colleagues, never password data, their phones
    // masked — the worker's own row whole, in the global scope and in the grid's alike.
    expect(ids(state, 'region').length).toBe(4);
    // Colleagues with a phone were pulled, so the masking below is checked on something.
    expect([...state.rows].filter(([k, u]) => k.startsWith('user:') && k !== `user:${worker.userId}` && u?.phone).length).toBeGreaterThan(0);
    for (const [k, u] of state.rows) {
      if (!k.startsWith('user:')) continue;
      expect(u).not.toHaveProperty('passwordHash');
      expect(JSON.stringify(u)).not.toContain('scrypt');
      if (k === `user:${worker.userId}`) expect(u?.phone).toBe(ctx.county.users.workers[0]!.phone);
      else if (u?.phone) expect(u.phone).toContain('****');
    }
    // Nothing of other grids.
    const otherGrid = new Set(ctx.county.dataset.places.filter((p) => p.gridId !== g0).map((p) => p.id));
    expect(ids(state, 'place').some((id) => otherGrid.has(id))).toBe(false);
    // An incremental pull after nothing changed is empty.
    const again = await pullAll(ctx, worker, clientId, state);
    expect(again).toEqual([]);
  });

  it('gives a building manager only their place, own open self-checks and own reports — before and after covert work is added', async () => {
    const clientId = newClientId();
    const own = ctx.county.managedPlace;
    const self = await signedVisit(ctx, manager, { placeId: own.id, selfCheck: true, answers: [] });
    const res = await pushOk(ctx, manager, clientId, [submit(1, self)]);
    expect(res.results[0]!.status).toBe('applied');
    const state = newPullState();
    await pullAll(ctx, manager, clientId, state, 3);
    const check = () => {
      const entities = new Set([...state.rows.keys()].map((k) => k.split(':')[0]));
      for (const e of ['task', 'subject', 'ledgerEvent']) expect(entities.has(e)).toBe(false);
      expect(ids(state, 'place')).toEqual([own.id]);
      expect(state.rows.get(`place:${own.id}`)?.note).toBeNull();
      for (const [k, v] of state.rows) {
        if (k.startsWith('visit:')) {
          expect(v).toMatchObject({ style: 'open', unannounced: false });
          expect((v as { inspectorIds: string[] }).inspectorIds).toEqual([manager.userId]);
        }
        if (k.startsWith('case:')) {
          expect(v).toMatchObject({ reportedBy: manager.userId, visitId: null, subjectIds: [] });
          for (const e of (v as { events: { by: string; note: unknown; evidence: unknown[] }[] }).events) {
            if (e.by !== manager.userId) expect([e.note, e.evidence]).toEqual([null, []]);
          }
        }
        if (k.startsWith('user:')) expect(k).toBe(`user:${manager.userId}`);
      }
      expect(JSON.stringify([...state.rows.values()])).not.toMatch(/covert|安排暗访核实/);
    };
    expect(Object.keys(state.cursors).sort()).toEqual([`place:${own.id}`, 'global'].sort());
    expect(ids(state, 'visit')).toContain(self.id);
    expect(ids(state, 'case').length).toBeGreaterThanOrEqual(1);
    check();

    // Covert and unannounced work at the manager's place, by the grid worker.
    const g = ctx.county.grids[0]!;
    const covertTask = makeTask({ townshipId: ctx.county.townships[0]!.id, gridId: g.id, assigneeIds: [worker.userId], placeIds: [own.id], createdBy: ctx.county.users.coordinators[0]!.id, style: 'covert', unannounced: true });
    await ctx.db.kysely.insertInto('tasks').values(taskToRow(covertTask, { county_id: ctx.county.county.id, township_id: covertTask.townshipId, grid_id: g.id })).execute();
    const covert = await signedVisit(ctx, worker, { placeId: own.id, style: 'covert', unannounced: true, taskId: covertTask.id });
    const openByWorker = await signedVisit(ctx, worker, { placeId: own.id });
    const wr = await pushOk(ctx, worker, newClientId(), [submit(1, covert), submit(2, openByWorker), mutation(3, 'task.start@1', { taskId: covertTask.id, at: '2025-05-12T02:00:00.000Z' })]);
    expect(wr.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const changes = await pullAll(ctx, manager, clientId, state);
    expect(changes).toEqual([]);
    check();
    // A fresh snapshot says the same.
    const fresh = newPullState();
    await pullAll(ctx, manager, newClientId(), fresh);
    expect([...fresh.rows.keys()].sort()).toEqual([...state.rows.keys()].sort());
  });
});
