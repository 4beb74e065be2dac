/** The visit form: items per place and answers, violations, suggestions, draft, finishing, self-check. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import type { Router } from 'vue-router';
import { visitHash } from '../../../src/domain/canonical';
import { CHECKLIST_V1 } from '../../../src/domain/checklist';
import { DEFAULT_APP_CONFIG } from '../../../src/domain/config';
import { isOpenSelfCheck } from '../../../src/domain/rules';
import { closeAllUserDbs } from '../../../src/client/db/database';
import VisitNew from '../../../src/client/features/field/visit/VisitNew.vue';
import { useUpdatePrompt } from '../../../src/client/pwa/useUpdatePrompt';
import { fieldWorld, mountView, passThrough, photoFile, type Field } from './harness';
import { submitVisit } from '../../../src/client/db/repositories';
import { visitDraft } from '../db/seed';
import { mountApp } from '../mountApp';
import { settle } from '../support';

afterEach(() => {
  vi.useRealTimers();
  closeAllUserDbs();
});

async function openForm(w: Field, props: Record<string, unknown> = {}) {
  const m = await mountView(VisitNew, { placeId: w.place.id, compress: passThrough, ...props });
  await settle(() => m.wrapper.find('[data-test="finish"]').exists());
  return m;
}

const sectionCodes = (wrapper: VueWrapper) =>
  wrapper.findAll('[data-test^="section-"]').map((s) => s.attributes('data-test')!.replace('section-', ''));
const itemCodes = (wrapper: VueWrapper) =>
  wrapper.findAll('[data-test^="item-"]').map((s) => s.attributes('data-test')!.replace('item-', ''));

/** 完成检查 saved the visit: the form replaced its address with the saved visit's page (the receipt). */
async function savedVisit(router: Router): Promise<string> {
  await settle(() => router.currentRoute.value.name === 'field-visit', 'the saved visit page');
  expect(router.currentRoute.value.query).toMatchObject({ saved: '1' });
  return String(router.currentRoute.value.params.id);
}

async function click(wrapper: VueWrapper, selector: string) {
  await wrapper.get(selector).trigger('click');
  await settle();
}

async function addPhoto(wrapper: VueWrapper, within: string) {
  const input = wrapper.get(`${within} [data-test="photo-input"]`);
  Object.defineProperty(input.element, 'files', { value: [photoFile()], configurable: true });
  await input.trigger('change');
  await settle(() => wrapper.find(`${within} [data-test="photo"] img`).exists());
}

describe('VisitNew: the checklist', () => {
  it('shows A1 but not A2–A5 or section I at a residential building, until A1 = 是', async () => {
    const w = await fieldWorld('grid_worker');
    const { wrapper } = await openForm(w);
    expect(sectionCodes(wrapper)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K']);
    expect(itemCodes(wrapper)).toContain('A1');
    expect(itemCodes(wrapper)).not.toContain('A2');

    await click(wrapper, '[data-test="answer-A1-yes"]');
    expect(itemCodes(wrapper)).toEqual(expect.arrayContaining(['A2', 'A3', 'A4', 'A5', 'I1', 'I5']));
    expect(sectionCodes(wrapper)).toContain('I');

    await click(wrapper, '[data-test="answer-A1-no"]');
    expect(itemCodes(wrapper)).not.toContain('A2');
    expect(sectionCodes(wrapper)).not.toContain('I');
  });

  it('shows section I at a training institution from the start', async () => {
    const w = await fieldWorld('grid_worker', { kind: 'training_institution' });
    const { wrapper } = await openForm(w);
    expect(sectionCodes(wrapper)).toContain('I');
    expect(itemCodes(wrapper)).not.toContain('A2');
  });

  it('derives the shift from local time and asks a reason for overriding it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-05-13T21:10:00+08:00') });
    const w = await fieldWorld('grid_worker');
    const { wrapper, router } = await openForm(w);
    expect(wrapper.get('[data-test="shift-value"]').text()).toBe('夜查');

    await click(wrapper, '[data-test="shift-edit"]');
    await click(wrapper, '[data-test="shift-day"]');
    expect(wrapper.get('[data-test="shift-value"]').text()).toBe('日查');
    await click(wrapper, '[data-test="answer-A1-no"]');
    await click(wrapper, '[data-test="outcome-no_issue"]');
    await click(wrapper, '[data-test="finish"]');
    expect(wrapper.get('[data-test="problems"]').text()).toContain('须填写原因');

    await wrapper.get('[data-test="shift-reason"]').setValue('白天任务延误');
    await click(wrapper, '[data-test="finish"]');
    await savedVisit(router);
    const [visit] = await w.db.visits.toArray();
    expect(visit).toMatchObject({ shift: 'day', shiftOverrideReason: '白天任务延误' });
  });

  it('flags a position far from the place without blocking the visit', async () => {
    const w = await fieldWorld('grid_worker');
    const getCurrentPosition = vi.fn((ok: PositionCallback) =>
      ok({ coords: { latitude: 27.71, longitude: 106.93, accuracy: 15 }, timestamp: Date.now() } as GeolocationPosition),
    );
    Object.defineProperty(navigator, 'geolocation', { value: { getCurrentPosition }, configurable: true });
    onTestFinished(() => void delete (navigator as { geolocation?: unknown }).geolocation);
    const { wrapper, router } = await openForm(w);
    expect(wrapper.get('[data-test="position"]').text()).toContain('距场所 1.1 公里');
    expect(wrapper.find('[data-test="too-far"]').exists()).toBe(true);
    await click(wrapper, '[data-test="answer-A1-no"]');
    await click(wrapper, '[data-test="outcome-no_issue"]');
    await click(wrapper, '[data-test="finish"]');
    await savedVisit(router);
    const [visit] = await w.db.visits.toArray();
    expect(visit!.position).toMatchObject({ lat: 27.71, lng: 106.93, accuracy: 15 });
    expect(visit!.distanceM).toBeGreaterThan(1000);
  });
});

describe('VisitNew: violations', () => {
  it('requires a note and a photo at a violating answer before finishing', async () => {
    const w = await fieldWorld('grid_worker');
    const { wrapper, router } = await openForm(w);
    await click(wrapper, '[data-test="answer-A1-no"]');
    await click(wrapper, '[data-test="answer-B2-yes"]');
    expect(wrapper.find('[data-test="note-B2"]').exists()).toBe(true);
    await click(wrapper, '[data-test="outcome-issue_found"]');
    await click(wrapper, '[data-test="finish"]');

    const problems = wrapper.get('[data-test="problems"]').text();
    expect(problems).toContain('检查项 B2 发现问题，须填写说明');
    expect(problems).toContain('检查项 B2 发现问题，须至少拍摄一张照片取证');
    expect(await w.db.visits.count()).toBe(0);

    await wrapper.get('[data-test="note-B2"]').setValue('以“高端家政”名义上门辅导数学');
    await addPhoto(wrapper, '[data-test="item-B2"]');
    expect(wrapper.find('[data-test="problems"]').exists()).toBe(false);
    await click(wrapper, '[data-test="finish"]');
    await savedVisit(router);

    const [visit] = await w.db.visits.toArray();
    const b2 = visit!.answers.find((a) => a.itemCode === 'B2')!;
    expect(b2.note).toBe('以“高端家政”名义上门辅导数学');
    expect(b2.evidence).toHaveLength(1);
    expect(await w.db.blobs.get(b2.evidence[0]!)).toBeDefined();
  });
});

describe('VisitNew: numbers and long text', () => {
  const sectionA = (wrapper: VueWrapper) => wrapper.get('[data-test="section-A"] .visit-new__section-meta').text();

  it('says at A2 that a count is a whole number ≥ 0, and counts only a valid one as answered', async () => {
    const w = await fieldWorld('grid_worker');
    const { wrapper } = await openForm(w);
    await click(wrapper, '[data-test="answer-A1-yes"]');
    expect(sectionA(wrapper)).toBe('1/5');

    for (const bad of ['-5', '2.5']) {
      await wrapper.get('[data-test="answer-A2"]').setValue(bad);
      await settle();
      expect(wrapper.get('[data-test="number-error-A2"]').text()).toBe('应为不小于0的整数');
      expect(wrapper.get('[data-test="answer-A2"]').attributes('aria-invalid')).toBe('true');
      expect(sectionA(wrapper)).toBe('1/5');
    }

    await wrapper.get('[data-test="answer-A2"]').setValue('4');
    await settle();
    expect(wrapper.find('[data-test="number-error-A2"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="answer-A2"]').attributes('aria-invalid')).toBe('false');
    expect(sectionA(wrapper)).toBe('2/5');
  });

  it('counts the characters of a note, a finding and the visit note against their limits', async () => {
    const w = await fieldWorld('grid_worker');
    const { wrapper } = await openForm(w);
    await click(wrapper, '[data-test="answer-A1-no"]');
    await click(wrapper, '[data-test="answer-B2-yes"]');
    const countOf = (selector: string) => wrapper.get(selector).element.parentElement!.querySelector('[data-test="char-count"]')!.textContent.trim();

    expect(countOf('[data-test="note-B2"]')).toBe('0/2000');
    await wrapper.get('[data-test="note-B2"]').setValue('三楼302室');
    expect(countOf('[data-test="note-B2"]')).toBe('6/2000');
    expect(wrapper.get('[data-test="note-B2"]').attributes('maxlength')).toBe('2000');

    await wrapper.get('[data-test="note-B2"]').setValue('x'.repeat(2000));
    expect(countOf('[data-test="note-B2"]')).toBe('已达字数上限2000/2000');

    await click(wrapper, '[data-test="add-finding"]');
    expect(countOf('[data-test="finding-description"]')).toBe('0/2000');
    expect(countOf('[data-test="visit-note"]')).toBe('0/4000');
    expect(wrapper.get('[data-test="visit-note"]').attributes('maxlength')).toBe('4000');
  });
});

describe('VisitNew: photos that fail', () => {
  /** The canvas decoder's refusal, for a file named broken.jpg; every other photo passes. */
  const decodeOrFail = (file: Blob): Promise<Blob> =>
    file instanceof File && file.name === 'broken.jpg'
      ? Promise.reject(new DOMException('The source image could not be decoded.', 'InvalidStateError'))
      : Promise.resolve(file);

  async function pick(wrapper: VueWrapper, within: string, file: File) {
    const input = wrapper.get(`${within} [data-test="photo-input"]`);
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
    await input.trigger('change');
    await settle();
  }

  it('explains the failure at the item whose photo failed, says when a file is no image, and clears it on the next photo', async () => {
    const w = await fieldWorld('grid_worker');
    const { wrapper } = await openForm(w, { compress: decodeOrFail });
    await click(wrapper, '[data-test="answer-A1-no"]');
    await click(wrapper, '[data-test="answer-B2-yes"]');
    await click(wrapper, '[data-test="answer-J1-yes"]');

    await pick(wrapper, '[data-test="item-B2"]', new File(['%PDF-1.4'], '通知.pdf', { type: 'application/pdf' }));
    await settle(() => wrapper.find('[data-test="item-B2"] [data-test="photo-error"]').exists());
    expect(wrapper.get('[data-test="item-B2"] [data-test="photo-error"]').text()).toBe('所选文件不是图片，请选择照片');
    // Only that item says so, and nothing at the bottom of the form.
    expect(wrapper.findAll('[data-test="photo-error"]')).toHaveLength(1);
    expect(wrapper.find('[data-test="item-J1"] [data-test="photo-error"]').exists()).toBe(false);

    await pick(wrapper, '[data-test="item-B2"]', new File(['not an image'], 'broken.jpg', { type: 'image/jpeg' }));
    expect(wrapper.get('[data-test="item-B2"] [data-test="photo-error"]').text()).toContain('无法读取所选图片');
    expect(wrapper.get('[data-test="item-B2"] [data-test="photo-error"]').text()).not.toContain('请重试');

    await addPhoto(wrapper, '[data-test="item-B2"]');
    expect(wrapper.find('[data-test="photo-error"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-test="item-B2"] [data-test="photo"]')).toHaveLength(1);
  });
});

describe('VisitNew: suggestions', () => {
  it('suggests D1 on a statutory holiday and applies it only on 确认', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-10-01T10:00:00+08:00') });
    const w = await fieldWorld('grid_worker');
    const { wrapper, router } = await openForm(w);
    await click(wrapper, '[data-test="answer-A1-yes"]');
    expect(wrapper.find('[data-test="suggestion-D1"]').exists()).toBe(false);
    await click(wrapper, '[data-test="item-A3"] [data-test="answer-A3-option"]'); // 语文

    const suggestion = wrapper.get('[data-test="suggestion-D1"]');
    expect(suggestion.text()).toContain('建议：是 — 2026-10-01 为法定节假日（国庆节）');
    expect(wrapper.get('[data-test="answer-D1-yes"]').attributes('aria-pressed')).toBe('false');

    await click(wrapper, '[data-test="suggestion-D1"] [data-test="suggestion-confirm"]');
    expect(wrapper.get('[data-test="answer-D1-yes"]').attributes('aria-pressed')).toBe('true');
    expect(wrapper.find('[data-test="suggestion-D1"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="item-D1"] [data-test="suggested-mark"]').exists()).toBe(true);

    // Submitted, the answer carries `suggested: true` and the reason as its note.
    await addPhoto(wrapper, '[data-test="item-D1"]');
    await click(wrapper, '[data-test="outcome-issue_found"]');
    await click(wrapper, '[data-test="finish"]');
    await savedVisit(router);
    const [visit] = await w.db.visits.toArray();
    expect(visit!.answers.find((a) => a.itemCode === 'D1')).toMatchObject({
      value: true,
      suggested: true,
      note: '2026-10-01 为法定节假日（国庆节）',
    });
  });

  it("suggests D1 on a weekday inside the county's vacation from the deployment's settings", async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-07-15T10:00:00+08:00') }); // a Wednesday
    const stored = { ...DEFAULT_APP_CONFIG, vacations: [{ start: '2026-07-04', end: '2026-08-31', name: '暑假' }] };
    localStorage.setItem('grid-patrol.config', JSON.stringify(stored));
    const w = await fieldWorld('grid_worker');
    const { wrapper } = await openForm(w);
    await click(wrapper, '[data-test="answer-A1-yes"]');
    await click(wrapper, '[data-test="item-A3"] [data-test="answer-A3-option"]'); // 语文
    expect(wrapper.get('[data-test="suggestion-D1"]').text()).toContain('2026-07-15 在暑假期间（2026-07-04 至 2026-08-31）');
  });

  it('suggests D2 when A5 = 21:00, and 不采纳 leaves D2 unanswered', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-05-13T19:00:00+08:00') }); // a Wednesday
    const w = await fieldWorld('grid_worker');
    const { wrapper } = await openForm(w);
    await click(wrapper, '[data-test="answer-A1-yes"]');
    await click(wrapper, '[data-test="item-A3"] [data-test="answer-A3-option"]');
    expect(wrapper.find('[data-test="suggestion-D1"]').exists()).toBe(false);
    const a5 = wrapper.get('[data-test="answer-A5"]');
    (a5.element as HTMLInputElement).value = '21:00';
    await a5.trigger('change');
    await settle();

    expect(wrapper.get('[data-test="suggestion-D2"]').text()).toContain('建议：是 — 培训结束时间 21:00 晚于 20:30');
    await click(wrapper, '[data-test="suggestion-D2"] [data-test="suggestion-reject"]');
    expect(wrapper.find('[data-test="suggestion-D2"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="answer-D2-yes"]').attributes('aria-pressed')).toBe('false');
    expect(wrapper.get('[data-test="answer-D2-no"]').attributes('aria-pressed')).toBe('false');
  });
});

describe('VisitNew: the draft', () => {
  it('restores an unfinished visit after a remount, and holds app updates meanwhile', async () => {
    const w = await fieldWorld('grid_worker');
    const first = await openForm(w);
    expect(useUpdatePrompt().isHeld).toBe(true);
    await click(first.wrapper, '[data-test="answer-A1-yes"]');
    await click(first.wrapper, '[data-test="answer-B2-yes"]');
    await first.wrapper.get('[data-test="note-B2"]').setValue('三名小学生');
    await settle();
    const startedAt = (await w.db.meta.get(`draft:${w.place.id}:adhoc`))?.value as { startedAt: string };
    first.wrapper.unmount();
    expect(useUpdatePrompt().isHeld).toBe(false);

    const { wrapper } = await openForm(w);
    expect(wrapper.get('[data-test="restored"]').text()).toBe('已恢复未完成的检查');
    expect(wrapper.get('[data-test="answer-A1-yes"]').attributes('aria-pressed')).toBe('true');
    expect(itemCodes(wrapper)).toContain('A2');
    expect((wrapper.get('[data-test="note-B2"]').element as HTMLTextAreaElement).value).toBe('三名小学生');
    const restored = (await w.db.meta.get(`draft:${w.place.id}:adhoc`))?.value as { startedAt: string };
    expect(restored.startedAt).toBe(startedAt.startedAt);
  });

  it('a draft whose visit is saved already opens the saved record, and the draft goes', async () => {
    const w = await fieldWorld('grid_worker');
    const first = await openForm(w);
    await click(first.wrapper, '[data-test="answer-A1-no"]');
    await settle();
    const key = `draft:${w.place.id}:adhoc`;
    const draft = (await w.db.meta.get(key))?.value as { id: string };
    first.wrapper.unmount();
    // The app closed after the visit was saved and before its draft was removed (an older version).
    await submitVisit(w.db, visitDraft({ ...w, templateId: CHECKLIST_V1.id }, { id: draft.id }));
    expect(await w.db.meta.get(key)).toBeDefined();

    const { router } = await mountView(VisitNew, { placeId: w.place.id, compress: passThrough });
    expect(await savedVisit(router)).toBe(draft.id);
    expect(await w.db.meta.get(key)).toBeUndefined();
    expect(await w.db.visits.where('id').equals(draft.id).count()).toBe(1);
  });

  it('discards only on explicit confirmation', async () => {
    const w = await fieldWorld('grid_worker');
    const { wrapper } = await openForm(w);
    await click(wrapper, '[data-test="answer-A1-no"]');
    expect(await w.db.meta.get(`draft:${w.place.id}:adhoc`)).toBeDefined();
    await click(wrapper, '[data-test="discard"]');
    expect(await w.db.meta.get(`draft:${w.place.id}:adhoc`)).toBeDefined();
    await click(wrapper, '[data-test="discard-yes"]');
    expect(await w.db.meta.get(`draft:${w.place.id}:adhoc`)).toBeUndefined();
  });
});

describe('VisitNew: finishing', () => {
  it('chains the visit hash, writes visit + outbox + case on issue_found, and clears the draft', async () => {
    const w = await fieldWorld('grid_worker');
    await w.db.templates.put(CHECKLIST_V1);
    await w.db.setMeta('prevHash', 'a'.repeat(64));
    const { wrapper, router } = await openForm(w);
    await click(wrapper, '[data-test="answer-A1-no"]');
    await click(wrapper, '[data-test="answer-J1-yes"]');
    await wrapper.get('[data-test="note-J1"]').setValue('电梯内张贴数学辅导广告');
    await addPhoto(wrapper, '[data-test="item-J1"]');
    await click(wrapper, '[data-test="outcome-issue_found"]');
    await click(wrapper, '[data-test="finish"]');
    const savedId = await savedVisit(router);

    const [visit] = await w.db.visits.toArray();
    expect(savedId).toBe(visit!.id);
    expect(visit!.prevHash).toBe('a'.repeat(64));
    // No fix (no geolocation here, as in a basement): the visit saves all the same.
    expect(visit!.position).toBeNull();
    expect(await visitHash(visit!)).toBe(visit!.hash);
    expect(await w.db.getMeta('prevHash')).toBe(visit!.hash);
    expect(visit).toMatchObject({ placeId: w.place.id, taskId: null, style: 'open', unannounced: false, organization: 'routine', outcome: 'issue_found', inspectorIds: [w.userId], templateId: CHECKLIST_V1.id });
    expect(visit!.findings).toHaveLength(1);
    expect(visit!.findings[0]).toMatchObject({ category: 'advertising', evidence: visit!.answers.find((a) => a.itemCode === 'J1')!.evidence });
    expect(visit!.findings[0]!.description).toContain('电梯内张贴数学辅导广告');
    const outbox = await w.db.outbox.orderBy('seq').toArray();
    expect(outbox.map((e) => e.name)).toEqual(['visit.submit@1', 'case.open@1']);
    const [opened] = await w.db.cases.toArray();
    expect(opened).toMatchObject({ source: 'patrol', visitId: visit!.id, categories: ['advertising'], townshipId: w.township.id });

    expect(await w.db.meta.get(`draft:${w.place.id}:adhoc`)).toBeUndefined();
    expect(useUpdatePrompt().isHeld).toBe(false);
    const receiptUrl = router.currentRoute.value.fullPath;
    expect(receiptUrl).toBe(`/field/visits/${visit!.id}?saved=1`);
    wrapper.unmount();

    // The receipt's address, opened afresh (a reload, a tab Android restores): the saved record and its
    // receipt, not a new empty form for the same place.
    const reloaded = await mountApp(receiptUrl);
    await settle(() => reloaded.wrapper.find('[data-test="receipt"]').exists(), 'the receipt after a reload');
    expect(reloaded.wrapper.get('[data-test="receipt-hash"]').text()).toBe(`${visit!.hash.slice(0, 8)}…${visit!.hash.slice(-4)}`);
    expect(reloaded.wrapper.find('[data-test="receipt-case"]').exists()).toBe(true);
    expect(reloaded.wrapper.get('[data-test="outcome"]').text()).toBe('发现问题');
    expect(reloaded.wrapper.find('[data-test="finish"]').exists()).toBe(false);
    reloaded.wrapper.unmount();
  });

  it('takes style, 四不两直 and organization from the task', async () => {
    const w = await fieldWorld('grid_worker');
    const { makeTask } = await import('../../factories');
    const task = makeTask({
      townshipId: w.township.id,
      gridId: w.grid.id,
      assigneeIds: [w.userId],
      placeIds: [w.place.id],
      createdBy: w.userId,
      style: 'covert',
      unannounced: true,
      organization: 'spot',
    });
    await w.db.tasks.put(task);
    const { wrapper, router } = await openForm(w, { taskId: task.id });
    expect(wrapper.get('[data-test="visit-context"]').text()).toContain('四不两直');
    await click(wrapper, '[data-test="outcome-premises_closed"]');
    await click(wrapper, '[data-test="finish"]');
    await savedVisit(router);
    const [visit] = await w.db.visits.toArray();
    expect(visit).toMatchObject({ taskId: task.id, style: 'covert', unannounced: true, organization: 'spot', outcome: 'premises_closed' });
    expect(await w.db.cases.count()).toBe(0);
  });
});

describe('VisitNew: self-check', () => {
  it('shows only section K, no task facts, and saves a self-check', async () => {
    const w = await fieldWorld('building_manager');
    const { wrapper, router } = await openForm(w, { selfCheck: true });
    expect(sectionCodes(wrapper)).toEqual(['K']);
    expect(itemCodes(wrapper)).toEqual(['K1', 'K2', 'K3']);
    expect(wrapper.find('[data-test="shift"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="findings"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="visit-context"]').text()).not.toMatch(/暗访|四不两直|任务/);
    expect(wrapper.findAll('[data-test^="outcome-"]').map((b) => b.text())).toEqual(['未发现问题', '发现问题']);

    await click(wrapper, '[data-test="answer-K1-no"]');
    await click(wrapper, '[data-test="answer-K2-no"]');
    await click(wrapper, '[data-test="answer-K3-yes"]');
    await click(wrapper, '[data-test="outcome-no_issue"]');
    await click(wrapper, '[data-test="finish"]');
    await savedVisit(router);
    const [visit] = await w.db.visits.toArray();
    expect(visit).toMatchObject({ selfCheck: true, taskId: null, style: 'open', unannounced: false });
    expect(isOpenSelfCheck(visit!)).toBe(true);
    expect(visit!.answers.map((a) => a.itemCode)).toEqual(['K1', 'K2', 'K3']);
  });
});
