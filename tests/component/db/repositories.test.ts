import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex, visitHash } from '../../../src/domain/canonical';
import { makeSubject, makeTask, makeTemplate } from '../../factories';
import { closeAllUserDbs } from '../../../src/client/db/database';
import {
  caseSiteOf,
  createSubject,
  delistSubject,
  completeTask,
  openCase,
  putBlob,
  startTask,
  submitVisit,
  transitionCase,
  updatePlace,
  updateSubject,
} from '../../../src/client/db/repositories';
import { IllegalTransitionError, NotFoundError, StorageFullError } from '../../../src/client/db/errors';
import type { Task } from '../../../src/domain/entities';
import { seededDb, visitDraft, type LocalWorld } from './seed';

afterEach(() => closeAllUserDbs());

describe('submitVisit', () => {
  it('writes the visit, the chain head and the outbox entry together', async () => {
    const w = await seededDb();
    const { visit, seq } = await submitVisit(w.db, visitDraft(w));
    expect(await w.db.visits.get(visit.id)).toEqual(visit);
    expect(await w.db.getMeta('prevHash')).toBe(visit.hash);
    const outbox = await w.db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ seq, name: 'visit.submit@1', args: { visit }, keys: [`visit:${visit.id}`], acked: 0 });
  });

  it('chains each visit to the previous one on the device, and the hash verifies', async () => {
    const w = await seededDb();
    const first = (await submitVisit(w.db, visitDraft(w))).visit;
    const second = (await submitVisit(w.db, visitDraft(w))).visit;
    expect(first.prevHash).toBeNull();
    expect(second.prevHash).toBe(first.hash);
    expect(await visitHash(first)).toBe(first.hash);
    expect(await visitHash(second)).toBe(second.hash);
    expect(await visitHash({ ...second, note: 'tampered' })).not.toBe(second.hash);
  });

  it('keeps the chain linear when two saves race', async () => {
    const w = await seededDb();
    const [a, b] = await Promise.all([submitVisit(w.db, visitDraft(w)), submitVisit(w.db, visitDraft(w))]);
    const chain = [a.visit, b.visit].sort((x, y) => (x.prevHash === null ? -1 : y.prevHash === null ? 1 : 0));
    expect(chain[0]!.prevHash).toBeNull();
    expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
  });

  it('opens a patrol case with the findings in the same transaction', async () => {
    const w = await seededDb();
    const evidence = await sha256Hex('photo');
    const draft = visitDraft(w, {
      outcome: 'issue_found',
      answers: [{ itemCode: 'A1', value: true, note: '三名学生在上数学课', evidence: [evidence] }],
    });
    const { visit, case: opened } = await submitVisit(w.db, draft);
    expect(visit.findings).toEqual([{ category: 'subject', description: '是否存在学科类培训：三名学生在上数学课', evidence: [evidence] }]);
    expect(opened).toMatchObject({ source: 'patrol', placeId: w.place.id, gridId: w.grid.id, townshipId: w.township.id, visitId: visit.id, categories: ['subject'], status: 'pending_verification' });
    expect(await w.db.cases.get(opened!.id)).toEqual(opened);
    const outbox = await w.db.outbox.orderBy('seq').toArray();
    expect(outbox.map((e) => e.name)).toEqual(['visit.submit@1', 'case.open@1']);
    expect(outbox[0]!.blobRefs).toEqual([evidence]);
    expect(outbox[1]!.args).not.toHaveProperty('case.version');
  });

  it("a building manager's self-check finding opens a building_manager case with the findings' categories", async () => {
    const w = await seededDb();
    const evidence = await sha256Hex('room photo');
    const draft = visitDraft(w, {
      selfCheck: true,
      outcome: 'issue_found',
      answers: [],
      findings: [{ category: 'premises_management', description: '302室出租给无资质个人开班', evidence: [evidence] }],
    });
    const { case: opened } = await submitVisit(w.db, draft);
    expect(opened).toMatchObject({ source: 'building_manager', categories: ['premises_management'] });
  });

  it('an entry refusal also opens a case', async () => {
    const w = await seededDb();
    const { case: opened } = await submitVisit(w.db, visitDraft(w, { outcome: 'entry_refused', answers: [] }));
    expect(opened?.summary).toContain('拒绝入内');
    expect(opened?.categories).toEqual(['other']);
  });

  it('writes nothing when the transaction fails midway', async () => {
    const w = await seededDb();
    w.db.outbox.hook('creating', () => {
      throw new Error('disk on fire');
    });
    await expect(submitVisit(w.db, visitDraft(w))).rejects.toThrow('disk on fire');
    expect(await w.db.visits.count()).toBe(0);
    expect(await w.db.outbox.count()).toBe(0);
    expect(await w.db.getMeta('prevHash')).toBeUndefined();
  });

  it('ends the form draft in the visit\'s own transaction: both, or neither when the save fails', async () => {
    const w = await seededDb();
    const key = `draft:${w.place.id}:adhoc`;
    await w.db.meta.put({ key, value: { id: 'draft-state' } });
    const fail = () => {
      throw new Error('disk on fire');
    };
    w.db.outbox.hook('creating', fail);
    await expect(submitVisit(w.db, visitDraft(w), { endDraft: key })).rejects.toThrow('disk on fire');
    expect(await w.db.meta.get(key)).toBeDefined();
    w.db.outbox.hook('creating').unsubscribe(fail);
    await submitVisit(w.db, visitDraft(w), { endDraft: key });
    expect(await w.db.meta.get(key)).toBeUndefined();
    expect(await w.db.visits.count()).toBe(1);
  });

  it('surfaces a full disk as StorageFullError and keeps nothing partial', async () => {
    const w = await seededDb();
    const draft = visitDraft(w, { outcome: 'issue_found', answers: [{ itemCode: 'A1', value: true, note: 'x', evidence: [] }] });
    const quota = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    w.db.outbox.hook('creating', quota);
    const error: unknown = await submitVisit(w.db, draft).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as StorageFullError).message).toContain('存储空间不足');
    expect(await w.db.visits.count()).toBe(0);
    expect(await w.db.cases.count()).toBe(0);
    expect(await w.db.outbox.count()).toBe(0);
    // Once space is freed the same draft saves.
    w.db.outbox.hook('creating').unsubscribe(quota);
    await submitVisit(w.db, draft);
    expect(await w.db.visits.count()).toBe(1);
    expect(await w.db.outbox.count()).toBe(2);
  });
});

describe('tasks', () => {
  const taskOf = (w: LocalWorld, o: Partial<Task> = {}) =>
    makeTask({ townshipId: w.township.id, gridId: w.grid.id, assigneeIds: [w.userId], placeIds: [w.place.id], createdBy: w.userId, ...o });

  it('refuses to start a cancelled task and writes nothing', async () => {
    const w = await seededDb();
    const task = taskOf(w, { status: 'cancelled' });
    await w.db.tasks.put(task);
    await expect(startTask(w.db, task.id)).rejects.toThrow(new IllegalTransitionError('该任务已被取消'));
    expect(await w.db.outbox.count()).toBe(0);
    expect(await w.db.shadows.count()).toBe(0);
    expect(await w.db.tasks.get(task.id)).toEqual(task);
  });

  it('refuses a task the user is not assigned to, and writes nothing for a duplicate', async () => {
    const w = await seededDb();
    const theirs = taskOf(w, { assigneeIds: [w.county.id] });
    const done = taskOf(w, { status: 'done' });
    await w.db.tasks.bulkPut([theirs, done]);
    await expect(completeTask(w.db, theirs.id, [])).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(await startTask(w.db, done.id)).toBeNull();
    expect(await completeTask(w.db, done.id, [])).toBeNull();
    expect(await w.db.outbox.count()).toBe(0);
    expect(await w.db.tasks.get(done.id)).toEqual(done);
  });

  it('starts then completes an assigned task, one outbox entry each', async () => {
    const w = await seededDb();
    const task = taskOf(w);
    await w.db.tasks.put(task);
    await startTask(w.db, task.id);
    await completeTask(w.db, task.id, [], { note: '两处未到' });
    expect((await w.db.outbox.orderBy('seq').toArray()).map((e) => e.name)).toEqual(['task.start@1', 'task.complete@1']);
    expect(await w.db.tasks.get(task.id)).toMatchObject({ status: 'done', completionNote: '两处未到' });
  });
});

describe('ledger, places and cases', () => {
  it('creates, updates and delists a subject with ledger events and baseVersion, and refuses delisting it twice', async () => {
    const w = await seededDb();
    const { id: _id, version: _v, status: _s, listedAt: _l, delistedAt: _d, delistedReason: _r, ...draft } = makeSubject({ gridId: w.grid.id });
    const subject = await createSubject(w.db, draft);
    await w.db.subjects.update(subject.id, { version: 3 }); // as if the server had confirmed 3 versions
    await updateSubject(w.db, subject.id, { name: '新名称培训中心' }, '更名');
    await delistSubject(w.db, subject.id, '已注销');
    const outbox = await w.db.outbox.orderBy('seq').toArray();
    expect(outbox.map((e) => e.name)).toEqual(['subject.create@1', 'subject.update@1', 'subject.delist@1']);
    expect(outbox[1]!.args).toMatchObject({ id: subject.id, baseVersion: 3, patch: { name: '新名称培训中心' }, reason: '更名' });
    const events = await w.db.ledgerEvents.where('subjectId').equals(subject.id).sortBy('at');
    expect(events.map((e) => e.action).sort()).toEqual(['delist', 'list', 'update']);
    expect(events.find((e) => e.action === 'update')!.diff).toEqual({ name: { from: subject.name, to: '新名称培训中心' } });
    expect(await w.db.subjects.get(subject.id)).toMatchObject({ status: 'delisted', delistedReason: '已注销', name: '新名称培训中心' });
    // The domain's listing rule: a second 出账 is refused with its reason and writes nothing.
    await expect(delistSubject(w.db, subject.id, '再次出账')).rejects.toThrow(new IllegalTransitionError('该重点对象已出账'));
    expect(await w.db.outbox.count()).toBe(3);
    expect(await w.db.ledgerEvents.where('subjectId').equals(subject.id).count()).toBe(3);
  });

  it('patches a place against its version', async () => {
    const w = await seededDb();
    await updatePlace(w.db, w.place.id, { riskLevel: 'high' });
    const [e] = await w.db.outbox.toArray();
    expect(e).toMatchObject({ name: 'place.update@1', args: { id: w.place.id, baseVersion: w.place.version, patch: { riskLevel: 'high' } } });
    expect((await w.db.places.get(w.place.id))?.riskLevel).toBe('high');
  });

  it("finds a case's site from its place and the township above the place's grid", async () => {
    const w = await seededDb();
    const { place, site } = await caseSiteOf(w.db, w.place.id, 'not-used');
    expect(place).toEqual(w.place);
    expect(site).toEqual({
      gridId: w.grid.id,
      townshipId: w.township.id,
      placeId: w.place.id,
      address: w.place.address,
      lat: w.place.lat,
      lng: w.place.lng,
    });
    // Before the regions arrive, only the caller's fallback knows the township.
    await w.db.regions.clear();
    expect((await caseSiteOf(w.db, w.place.id, w.township.id)).site.townshipId).toBe(w.township.id);
    await expect(caseSiteOf(w.db, w.place.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(caseSiteOf(w.db, w.county.id)).rejects.toMatchObject({ entity: 'place' });
  });

  it('follows the case state machine and refuses illegal steps without writing', async () => {
    const w = await seededDb();
    const c = await openCase(w.db, { source: 'building_manager', gridId: w.grid.id, townshipId: w.township.id, summary: '疑似有学生上课', reportedAt: new Date().toISOString() });
    const moved = await transitionCase(w.db, c.id, { to: 'verifying', note: '已派人核查' });
    expect(moved.status).toBe('verifying');
    expect(moved.events.at(-1)).toMatchObject({ to: 'verifying', by: w.db.userId });
    await expect(transitionCase(w.db, c.id, { to: 'closed' })).rejects.toBeInstanceOf(IllegalTransitionError);
    const outbox = await w.db.outbox.orderBy('seq').toArray();
    expect(outbox.map((e) => e.name)).toEqual(['case.open@1', 'case.transition@1']);
    expect(outbox[1]!.args).toMatchObject({ caseId: c.id, eventId: moved.events.at(-1)!.id, to: 'verifying' });
  });

  it('stores blobs by SHA-256, idempotently', async () => {
    const w = await seededDb();
    const bytes = new TextEncoder().encode('jpeg bytes');
    const a = await putBlob(w.db, bytes, 'image/jpeg');
    const b = await putBlob(w.db, bytes.slice().buffer, 'image/jpeg');
    expect(a.sha256).toBe(await sha256Hex(bytes));
    expect(b.sha256).toBe(a.sha256);
    expect(await w.db.blobs.count()).toBe(1);
    expect(a).toMatchObject({ size: bytes.byteLength, uploaded: 0, contentType: 'image/jpeg' });
  });

  it('uses the template of the visit for findings', async () => {
    const w = await seededDb();
    await w.db.templates.put(
      makeTemplate({
        id: w.templateId,
        sections: [{ code: 'B', title: '培训时间', category: 'time' }],
        items: [{ code: 'B1', section: 'B', text: '是否在节假日授课', kind: 'yesno', violationWhen: true, evidenceOnViolation: false, category: 'time' }],
      }),
    );
    const { case: opened } = await submitVisit(w.db, visitDraft(w, { outcome: 'issue_found', answers: [{ itemCode: 'B1', value: true, evidence: [] }] }));
    expect(opened?.categories).toEqual(['time']);
  });
});
