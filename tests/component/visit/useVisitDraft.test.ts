/** The draft's autosave: one write per tick of changes, and `flush`/`stop` wait for it. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope, ref } from 'vue';
import { closeAllUserDbs } from '../../../src/client/db/database';
import { loadDraft, useDraftAutosave } from '../../../src/client/features/field/visit/useVisitDraft';
import type { VisitDraftState } from '../../../src/client/features/field/visit/visitDraft';
import { seededDb } from '../db/seed';

afterEach(() => closeAllUserDbs());

function draftState(placeId: string): VisitDraftState {
  return {
    format: 1,
    id: 'v1',
    placeId,
    taskId: null,
    selfCheck: false,
    amendsVisitId: null,
    templateId: 't1',
    templateVersion: 1,
    startedAt: '2026-05-12T12:00:00.000Z',
    position: null,
    positionProblem: null,
    shiftAuto: 'night',
    shiftOverride: null,
    shiftOverrideReason: '',
    style: 'open',
    unannounced: false,
    organization: 'routine',
    subjectIds: [],
    answers: {},
    rejectedSuggestions: [],
    findings: [],
    outcome: null,
    note: '',
    photos: [],
  };
}

async function autosave() {
  const w = await seededDb();
  const key = ref<string | null>(`draft:${w.place.id}:adhoc`);
  const state = ref<VisitDraftState | null>(draftState(w.place.id));
  const scope = effectScope();
  const draft = scope.run(() => useDraftAutosave(w.db, key, state))!;
  const put = vi.spyOn(w.db.meta, 'put');
  return { ...w, key: key.value!, state, draft, put, scope };
}

describe('useDraftAutosave', () => {
  it('writes the changes of one tap once, and flush waits until they are on disk', async () => {
    const { db, key, state, draft, put, scope } = await autosave();
    const s = state.value!;
    s.answers.B2 = { value: true, note: '', evidence: [], suggested: false };
    s.answers.B2.suggested = true;
    s.answers.B2.note = '三名小学生';
    await draft.flush();
    expect(put).toHaveBeenCalledTimes(1);
    expect((await loadDraft(db, key))?.answers.B2).toEqual({ value: true, note: '三名小学生', evidence: [], suggested: true });

    s.note = '晚上九点';
    await draft.flush();
    expect(put).toHaveBeenCalledTimes(2);
    expect((await loadDraft(db, key))?.note).toBe('晚上九点');
    scope.stop();
  });

  it('stop waits for the queued write and saves nothing after it; resume saves again', async () => {
    const { db, key, state, draft, put, scope } = await autosave();
    state.value!.outcome = 'no_issue';
    await draft.stop();
    expect((await loadDraft(db, key))?.outcome).toBe('no_issue');

    state.value!.outcome = 'issue_found';
    await draft.flush();
    expect(put).toHaveBeenCalledTimes(1);
    expect((await loadDraft(db, key))?.outcome).toBe('no_issue');

    draft.resume();
    await draft.flush();
    expect((await loadDraft(db, key))?.outcome).toBe('issue_found');
    scope.stop();
  });

  it('says in Chinese when a write fails, and keeps saving', async () => {
    const { db, key, state, draft, put, scope } = await autosave();
    put.mockRejectedValueOnce(new Error('QuotaExceededError: the quota has been exceeded'));
    state.value!.note = 'a';
    await draft.flush();
    expect(draft.saveError.value).toBe('草稿未能保存在本机，请不要关闭此页面');
    state.value!.note = 'ab';
    await draft.flush();
    expect(draft.saveError.value).toBeNull();
    expect((await loadDraft(db, key))?.note).toBe('ab');
    scope.stop();
  });
});
