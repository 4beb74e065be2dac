/**
 * Domain rules the server enforces on push, each a permanent rejection with a Chinese reason that writes
 * nothing: who may amend a visit, what a building manager's self-check is, which categories fit a
 * subject's kind, the listing changes of a subject, and the note a task completed incompletely needs.
 */
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/domain/ids';
import type { Visit } from '../../src/domain/entities';
import type { PushResponse } from '../../src/domain/sync';
import { taskToRow } from '../../src/server/tasks/rows';
import { templateToRow } from '../../src/server/templates/rows';
import { makeTask } from '../factories';
import { backends, countIds, useContext } from './harness';
import { mutation, newClientId, pushOk, signedVisit, submit } from './reliability/helpers';

const AT = '2025-05-12T03:00:00.000Z';
const amend = (seq: number, visit: Visit) => mutation(seq, 'visit.amend@1', { visit });
const outcomes = (res: PushResponse) => res.results.map((r) => r.code ?? r.status);

describe.each(backends)('domain rules on push on %s', (backend) => {
  const { ctx, sessions: [worker, coord, manager] } = useContext(backend, ['worker0', 'coord0', 'manager0']);

  const place = (i: number) => ctx.county.dataset.places[i]!;

  it('refuses a visit on a checklist the server does not know, and takes it once the checklist is published', async () => {
    const known = ctx.county.dataset.templates[0]!;
    const later = { ...known, id: uuidv7(), code: `${known.code}-later` };
    // A template in use is remembered by the server for all pushes; one it has not found is looked up again.
    expect(outcomes(await pushOk(ctx, worker, newClientId(), [submit(1, await signedVisit(ctx, worker, { placeId: place(1).id }))]))).toEqual(['applied']);
    const early = await signedVisit(ctx, worker, { placeId: place(1).id, templateId: later.id });
    const refused = await pushOk(ctx, worker, newClientId(), [submit(1, early)]);
    expect(refused.results[0]).toMatchObject({ status: 'rejected', code: 'template_not_found', reason: '检查表不存在或版本不符' });
    expect(await countIds(ctx, 'visits', [early.id])).toBe(0);

    await ctx.db.kysely.insertInto('checklist_templates').values(templateToRow(later)).execute();
    const again = await signedVisit(ctx, worker, { placeId: place(1).id, templateId: later.id });
    expect(outcomes(await pushOk(ctx, worker, newClientId(), [submit(1, again)]))).toEqual(['applied']);
    expect(await countIds(ctx, 'visits', [again.id])).toBe(1);
  });

  it('lets only the inspectors of a visit amend it, not a coordinator who may see it', async () => {
    const original = await signedVisit(ctx, worker, { placeId: place(1).id });
    expect(outcomes(await pushOk(ctx, worker, newClientId(), [submit(1, original)]))).toEqual(['applied']);

    const byCoord = await signedVisit(ctx, coord, { placeId: place(1).id, amendsVisitId: original.id });
    const res = await pushOk(ctx, coord, newClientId(), [amend(1, byCoord)]);
    expect(res.results[0]).toMatchObject({ status: 'rejected', code: 'forbidden', reason: '只有该检查记录的检查人员可以更正它' });
    expect(await countIds(ctx, 'visits', [byCoord.id])).toBe(0);

    // A building manager does not learn of a visit they did not make: it is "not found".
    const byManager = await signedVisit(ctx, manager, { placeId: place(0).id, amendsVisitId: original.id, selfCheck: true, answers: [] });
    expect(outcomes(await pushOk(ctx, manager, newClientId(), [amend(1, byManager)]))).toEqual(['amended_visit_not_found']);

    const byWorker = await signedVisit(ctx, worker, { placeId: place(1).id, amendsVisitId: original.id, note: '补记' });
    expect(outcomes(await pushOk(ctx, worker, newClientId(), [amend(1, byWorker)]))).toEqual(['applied']);
    expect(await countIds(ctx, 'visits', [byWorker.id])).toBe(1);
  });

  it('takes from a building manager only open self-checks, never for a task', async () => {
    const own = ctx.county.managedPlace.id;
    const task = ctx.county.dataset.tasks[0]!;
    const self = (o: Partial<Visit>) => signedVisit(ctx, manager, { placeId: own, selfCheck: true, answers: [], ...o });
    const bad = [await self({ style: 'covert' }), await self({ unannounced: true }), await self({ taskId: task.id }), await self({ selfCheck: false })];
    const good = await self({});
    const res = await pushOk(ctx, manager, newClientId(), [...bad.map((v, i) => submit(i + 1, v)), submit(5, good)]);
    expect(outcomes(res)).toEqual(['forbidden', 'forbidden', 'forbidden', 'forbidden', 'applied']);
    expect(res.results[0]!.reason).toBe('楼栋长只能提交本楼栋的公开自查记录');
    expect(await countIds(ctx, 'visits', bad.map((v) => v.id))).toBe(0);
  });

  it('refuses a category that does not fit the subject kind, on create and on update', async () => {
    const g = ctx.county.grids[0]!;
    const base = { ...ctx.county.dataset.subjects[0]!, gridId: g.id, creditCode: null } as Record<string, unknown>;
    delete base.version;
    const person = { ...base, id: uuidv7(), kind: 'person', category: 'transformed_institution', name: '张某' };
    const fitting = { ...base, id: uuidv7(), kind: 'person', category: 'in_service_teacher', name: '李某' };
    const create = (seq: number, subject: Record<string, unknown>) => mutation(seq, 'subject.create@1', { subject, eventId: uuidv7() });
    const res = await pushOk(ctx, worker, newClientId(), [create(1, person), create(2, fitting)]);
    expect(outcomes(res)).toEqual(['category_mismatch', 'applied']);
    expect(res.results[0]!.reason).toBe('类别“已转型学科类机构”不适用于个人类重点对象');
    expect(await ctx.db.kysely.selectFrom('subjects').select('id').where('id', '=', person.id).executeTakeFirst()).toBeUndefined();

    const institution = ctx.county.dataset.subjects[0]!;
    const update = (seq: number, category: string) =>
      mutation(seq, 'subject.update@1', { id: institution.id, baseVersion: institution.version, patch: { category }, reason: '核实类别', eventId: uuidv7(), at: AT });
    const before = await ctx.db.kysely.selectFrom('subjects').select(['category', 'version']).where('id', '=', institution.id).executeTakeFirstOrThrow();
    const events = async () => (await ctx.db.kysely.selectFrom('ledger_events').select('id').where('subject_id', '=', institution.id).execute()).length;
    const eventsBefore = await events();
    const upd = await pushOk(ctx, worker, newClientId(), [update(1, 'laid_off_trainer')]);
    expect(outcomes(upd)).toEqual(['category_mismatch']);
    expect(await ctx.db.kysely.selectFrom('subjects').select(['category', 'version']).where('id', '=', institution.id).executeTakeFirstOrThrow()).toEqual(before);
    expect(await events()).toBe(eventsBefore);
    expect(outcomes(await pushOk(ctx, worker, newClientId(), [update(1, 'housekeeping_company')]))).toEqual(['applied']);
  });

  it('delists and relists a subject with the listing the domain sets, and refuses relisting a listed one', async () => {
    const s = ctx.county.dataset.subjects[0]!;
    const change = (seq: number, name: string, reason: string, at: string) => mutation(seq, name, { id: s.id, reason, eventId: uuidv7(), at });
    const listing = () =>
      ctx.db.kysely.selectFrom('subjects').select(['status', 'listed_reason', 'delisted_reason']).where('id', '=', s.id).executeTakeFirstOrThrow();
    const res = await pushOk(ctx, worker, newClientId(), [change(1, 'subject.relist@1', '仍在册', AT), change(2, 'subject.delist@1', '已停业', AT)]);
    expect(outcomes(res)).toEqual(['already_listed', 'applied']);
    expect(res.results[0]!.reason).toBe('该重点对象在册，无需重新入账');
    expect(await listing()).toEqual({ status: 'delisted', listed_reason: s.listedReason, delisted_reason: '已停业' });
    const relisted = await pushOk(ctx, worker, newClientId(), [change(1, 'subject.relist@1', '复业', '2025-05-13T03:00:00.000Z')]);
    expect(outcomes(relisted)).toEqual(['applied']);
    expect(await listing()).toEqual({ status: 'listed', listed_reason: '复业', delisted_reason: null });
  });

  it('lets only coordinators and the county name a place’s managers, and building managers change nothing', async () => {
    const p = place(1);
    const patch = (seq: number, body: Record<string, unknown>) => mutation(seq, 'place.update@1', { id: p.id, baseVersion: p.version, patch: body });
    const row = () => ctx.db.kysely.selectFrom('places').select(['name', 'manager_ids', 'version']).where('id', '=', p.id).executeTakeFirstOrThrow();
    const before = await row();
    const byWorker = await pushOk(ctx, worker, newClientId(), [patch(1, { managerIds: [manager.userId] })]);
    expect(byWorker.results[0]).toMatchObject({ status: 'rejected', code: 'forbidden', reason: '网格员不能指定场所负责人' });
    const byManager = await pushOk(ctx, manager, newClientId(), [patch(1, { name: '楼长改名' })]);
    expect(byManager.results[0]).toMatchObject({ status: 'rejected', code: 'forbidden', reason: '您的角色无权修改场所信息' });
    expect(await row()).toEqual(before);
    expect(outcomes(await pushOk(ctx, coord, newClientId(), [patch(1, { managerIds: [manager.userId] })]))).toEqual(['applied']);
    expect((await row()).manager_ids).toEqual([manager.userId]);
  });

  it('opens a case by the role’s rule: its sources and reason, and a building manager’s report without links', async () => {
    const g = ctx.county.grids[0]!;
    const subjectId = ctx.county.dataset.subjects.find((s) => s.gridId === g.id)!.id;
    const visitId = ctx.county.dataset.visits.find((v) => v.placeId === ctx.county.managedPlace.id)!.id;
    const base = {
      source: 'building_manager', placeId: ctx.county.managedPlace.id, subjectIds: [subjectId], gridId: g.id, townshipId: ctx.county.townships[0]!.id,
      categories: ['location'], summary: '楼内疑似有补课', reportedAt: AT, reportedBy: null, visitId,
      status: 'pending_verification', deadlineAt: null, publishable: false, trackingCode: null, events: [],
    };
    const open = (seq: number, o: Record<string, unknown>) => mutation(seq, 'case.open@1', { case: { ...base, id: uuidv7(), ...o } });
    const stored = (id: string) => ctx.db.kysely.selectFrom('cases').select(['subject_ids', 'visit_id']).where('id', '=', id).executeTakeFirst();

    const report = open(1, {});
    const bm = await pushOk(ctx, manager, newClientId(), [report, open(2, { source: 'patrol' }), open(3, { placeId: null })]);
    expect(outcomes(bm)).toEqual(['applied', 'forbidden', 'forbidden']);
    expect(bm.results.slice(1).map((r) => r.reason)).toEqual(['楼栋长只能就本楼栋报告线索', '楼栋长只能就本楼栋报告线索']);
    const reportId = (report.args as { case: { id: string } }).case.id;
    expect(await stored(reportId)).toEqual({ subject_ids: [], visit_id: null });

    const patrol = open(2, { source: 'patrol', placeId: place(1).id });
    const gw = await pushOk(ctx, worker, newClientId(), [open(1, { source: 'hotline_12345', placeId: place(1).id }), patrol]);
    expect(outcomes(gw)).toEqual(['forbidden', 'applied']);
    expect(gw.results[0]!.reason).toBe('网格员只能登记巡查发现的线索');
    expect(await stored((patrol.args as { case: { id: string } }).case.id)).toEqual({ subject_ids: [subjectId], visit_id: visitId });
  });

  it('opens a case from a visit only if that visit was stored: never a case pointing at a rejected visit', async () => {
    const g = ctx.county.grids[0]!;
    const base = {
      source: 'patrol', placeId: place(1).id, subjectIds: [], gridId: g.id, townshipId: ctx.county.townships[0]!.id,
      categories: ['subject'], summary: '发现疑似违规培训', reportedAt: AT, reportedBy: null,
      status: 'pending_verification', deadlineAt: null, publishable: false, trackingCode: null, events: [],
    };
    const good = await signedVisit(ctx, worker, { placeId: place(1).id });
    const bad = { ...(await signedVisit(ctx, worker, { placeId: place(1).id })), note: '篡改' };
    const caseOf = (seq: number, visitId: string) => mutation(seq, 'case.open@1', { case: { ...base, id: uuidv7(), visitId } });
    const res = await pushOk(ctx, worker, newClientId(), [submit(1, good), caseOf(2, good.id), submit(3, bad), caseOf(4, bad.id)]);
    expect(res.results.map((r) => [r.status, r.code])).toEqual([['applied', undefined], ['applied', undefined], ['rejected', 'hash_mismatch'], ['rejected', 'visit_not_found']]);
    const cases = await ctx.db.kysely.selectFrom('cases').select('visit_id').where('visit_id', 'in', [good.id, bad.id]).execute();
    expect(cases).toEqual([{ visit_id: good.id }]);
  });

  it('enters a new subject only as listed', async () => {
    const base = { ...ctx.county.dataset.subjects[0]!, gridId: ctx.county.grids[0]!.id, creditCode: null } as Record<string, unknown>;
    delete base.version;
    const delisted = { ...base, id: uuidv7(), name: '已出账机构', status: 'delisted', delistedAt: AT, delistedReason: '已停业' };
    const res = await pushOk(ctx, worker, newClientId(), [mutation(1, 'subject.create@1', { subject: delisted, eventId: uuidv7() })]);
    expect(res.results[0]).toMatchObject({ status: 'rejected', code: 'invalid_args', reason: '新登记的重点对象应为在册状态' });
    expect(await ctx.db.kysely.selectFrom('subjects').select('id').where('id', '=', delisted.id).executeTakeFirst()).toBeUndefined();
  });

  it('completes a task with unvisited places only with a note, counting the visits of the same batch', async () => {
    const g = ctx.county.grids[0]!;
    const newTask = async () => {
      const t = makeTask({ townshipId: ctx.county.townships[0]!.id, gridId: g.id, assigneeIds: [worker.userId], placeIds: [place(1).id, place(2).id], createdBy: coord.userId, status: 'in_progress' });
      await ctx.db.kysely.insertInto('tasks').values(taskToRow(t, { county_id: ctx.county.county.id, township_id: t.townshipId, grid_id: g.id })).execute();
      return t;
    };
    const complete = (seq: number, taskId: string, note?: string) => mutation(seq, 'task.complete@1', { taskId, at: AT, visitIds: [], ...(note ? { note } : {}) });
    const status = async (id: string) => (await ctx.db.kysely.selectFrom('tasks').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    const partly = await newTask();
    const v1 = await signedVisit(ctx, worker, { placeId: place(1).id, taskId: partly.id });
    const res = await pushOk(ctx, worker, newClientId(), [submit(1, v1), complete(2, partly.id)]);
    expect(outcomes(res)).toEqual(['applied', 'completion_note_required']);
    expect(res.results[1]!.reason).toBe('还有 1 处场所没有本任务的检查记录，完成任务须说明原因');
    expect(await status(partly.id)).toBe('in_progress');
    expect(outcomes(await pushOk(ctx, worker, newClientId(), [complete(1, partly.id, '2号场所已拆除')]))).toEqual(['applied']);
    expect(await status(partly.id)).toBe('done');

    // A visit of another task, or with no task, at a route place does not count.
    const fully = await newTask();
    const visits = [
      await signedVisit(ctx, worker, { placeId: place(1).id, taskId: fully.id }),
      await signedVisit(ctx, worker, { placeId: place(2).id, taskId: partly.id }),
      await signedVisit(ctx, worker, { placeId: place(2).id }),
    ];
    const clientId = newClientId();
    const early = await pushOk(ctx, worker, clientId, [...visits.map((v, i) => submit(i + 1, v)), complete(4, fully.id)]);
    expect(outcomes(early)).toEqual(['applied', 'applied', 'applied', 'completion_note_required']);
    const last = await signedVisit(ctx, worker, { placeId: place(2).id, taskId: fully.id });
    const done = await pushOk(ctx, worker, clientId, [submit(5, last), complete(6, fully.id)]);
    expect(outcomes(done)).toEqual(['applied', 'applied']);
    expect(await status(fully.id)).toBe('done');
  });
});
