/**
 * View logic of the visit form (inspection, self-check, correction): loads the place, the task and
 * the checklist template from the device, restores or starts the draft, takes the position, keeps
 * the applicable items, suggestions and problems live, and finishes the visit in one transaction.
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue';
import type { ChecklistTemplate, Place, Task, Visit } from '../../../../domain/entities';
import type { AnswerValue } from '../../../../domain/entities';
import type { Shift, ViolationCategory } from '../../../../domain/enums';
import { CHECKLIST_CODE, CHECKLIST_V1 } from '../../../../domain/checklist';
import { shiftAt } from '../../../../domain/calendar';
import { distanceM } from '../../../../domain/geo';
import type { AppConfig } from '../../../../domain/config';
import { ownFindings, visitEvidence } from '../../../../domain/rules';
import { uuidv7 } from '../../../../domain/ids';
import { useWrite } from '../../../composables/useWrite';
import type { GridPatrolDB } from '../../../db/database';
import { amendVisit, submitVisit } from '../../../db/repositories';
import { getDeviceId } from '../../../device';
import { useSyncStore } from '../../../stores/sync';
import { VISIT_TEXT } from './text';
import { endDraft, loadDraft, releaseDraftPhotos, useDraftAutosave } from './useVisitDraft';
import {
  applicableOf,
  buildVisit,
  draftKey,
  effectiveShift,
  openSuggestions,
  problemsOf,
  suggestionKey,
  visitKindOf,
  type DraftAnswer,
  type DraftMode,
  type FormProblem,
  type VisitDraftState,
} from './visitDraft';
import type { Suggestion } from '../../../../domain/suggestions';

export interface VisitFormOptions {
  db: GridPatrolDB;
  userId: string;
  placeId: Ref<string | null>;
  taskId: Ref<string | null>;
  amendsVisitId: Ref<string | null>;
  selfCheck: boolean;
  config: Ref<AppConfig>;
  now?: () => Date;
  geolocation?: Geolocation | null;
}

/** The newest local version of the checklist, or the bundled v1 on a device that has none yet. */
export async function checklistTemplate(db: GridPatrolDB, id?: string): Promise<ChecklistTemplate> {
  if (id) {
    const exact = await db.templates.get(id);
    if (exact) return exact;
    if (id === CHECKLIST_V1.id) return CHECKLIST_V1;
  }
  const all = await db.templates.where('code').equals(CHECKLIST_CODE).toArray();
  return all.sort((a, b) => b.version - a.version)[0] ?? CHECKLIST_V1;
}

export function useVisitForm(o: VisitFormOptions) {
  const now = o.now ?? (() => new Date());
  const geo = o.geolocation === undefined ? (typeof navigator !== 'undefined' ? navigator.geolocation : null) : o.geolocation;
  const sync = useSyncStore();

  const place = shallowRef<Place | null>(null);
  const task = shallowRef<Task | null>(null);
  const template = shallowRef<ChecklistTemplate>(CHECKLIST_V1);
  const state = ref<VisitDraftState | null>(null);
  const key = ref<string | null>(null);
  const loadError = ref<'place' | 'visit' | null>(null);
  const restored = ref(false);
  /**
   * The saved visit this form now stands for: the one 完成检查 saved, or the one its draft belonged to
   * when that was found saved already on opening. The page shows it (its receipt) instead of the form.
   */
  const saved = shallowRef<Visit | null>(null);
  const locating = ref(false);
  const attempted = ref(false);
  const { saving: finishing, failure: submitError, write } = useWrite(VISIT_TEXT.saveFailed);

  const draft = useDraftAutosave(o.db, key, state);

  const mode = computed<DraftMode>(() => {
    if (o.amendsVisitId.value) return { kind: 'amend', visitId: o.amendsVisitId.value };
    if (o.selfCheck) return { kind: 'self' };
    return o.taskId.value ? { kind: 'task', taskId: o.taskId.value } : { kind: 'adhoc' };
  });

  async function freshState(p: Place, t: Task | null, tpl: ChecklistTemplate): Promise<VisitDraftState> {
    const started = now();
    const subjects = o.selfCheck ? [] : await o.db.subjects.where('placeIds').equals(p.id).filter((s) => s.status === 'listed').toArray();
    return {
      format: 1,
      id: uuidv7(started.getTime()),
      placeId: p.id,
      taskId: o.selfCheck ? null : (t?.id ?? null),
      selfCheck: o.selfCheck,
      amendsVisitId: null,
      templateId: tpl.id,
      templateVersion: tpl.version,
      startedAt: started.toISOString(),
      position: null,
      positionProblem: null,
      shiftAuto: shiftAt(started, o.config.value.shiftHours),
      shiftOverride: null,
      shiftOverrideReason: '',
      ...visitKindOf(t, o.selfCheck),
      subjectIds: subjects.map((s) => s.id),
      answers: {},
      rejectedSuggestions: [],
      findings: [],
      outcome: null,
      note: '',
      photos: [],
    };
  }

  function amendState(v: Visit, tpl: ChecklistTemplate): VisitDraftState {
    const answers: Record<string, DraftAnswer> = {};
    for (const a of v.answers)
      answers[a.itemCode] = { value: a.value, note: a.note ?? '', evidence: [...a.evidence], suggested: a.suggested === true };
    const shiftAuto = shiftAt(v.startedAt, o.config.value.shiftHours);
    return {
      format: 1,
      id: uuidv7(now().getTime()),
      placeId: v.placeId,
      taskId: v.taskId ?? null,
      selfCheck: v.selfCheck === true,
      amendsVisitId: v.id,
      templateId: v.templateId,
      templateVersion: v.templateVersion,
      // A correction describes the same inspection: its time, place and position stay.
      startedAt: v.startedAt,
      position: v.position ?? null,
      positionProblem: null,
      shiftAuto,
      shiftOverride: v.shift === shiftAuto ? null : v.shift,
      shiftOverrideReason: v.shiftOverrideReason ?? '',
      style: v.style,
      unannounced: v.unannounced,
      organization: v.organization,
      subjectIds: [...v.subjectIds],
      answers,
      rejectedSuggestions: [],
      findings: ownFindings(v, tpl),
      outcome: v.outcome,
      note: v.note ?? '',
      photos: [],
    };
  }

  async function load(): Promise<void> {
    const placeId = o.placeId.value;
    state.value = null;
    key.value = null;
    loadError.value = null;
    restored.value = false;
    saved.value = null;
    if (!placeId) return;
    const p = await o.db.places.get(placeId);
    if (!p) {
      loadError.value = 'place';
      return;
    }
    place.value = p;
    const t = o.taskId.value && !o.selfCheck ? ((await o.db.tasks.get(o.taskId.value)) ?? null) : null;
    task.value = t;
    const k = draftKey(p.id, mode.value);
    const stored = await loadDraft(o.db, k);
    // A draft of a visit that is saved already (left by an app older than the one-transaction save):
    // the visit stands; the draft goes and the form shows the saved record.
    const done = stored ? await o.db.visits.get(stored.id) : undefined;
    if (done) {
      await endDraft(o.db, k, visitEvidence(done));
      saved.value = done;
      return;
    }
    let next: VisitDraftState;
    if (stored) {
      template.value = await checklistTemplate(o.db, stored.templateId);
      next = stored;
      restored.value = true;
    } else if (o.amendsVisitId.value) {
      const original = await o.db.visits.get(o.amendsVisitId.value);
      if (!original) {
        loadError.value = 'visit';
        return;
      }
      template.value = await checklistTemplate(o.db, original.templateId);
      next = amendState(original, template.value);
    } else {
      template.value = await checklistTemplate(o.db);
      next = await freshState(p, t, template.value);
    }
    key.value = k;
    draft.resume();
    state.value = next;
    if (next.position === null && !next.amendsVisitId) locate();
  }

  watch([o.placeId, o.taskId, o.amendsVisitId], () => void load(), { immediate: true });

  // ---- position ----------------------------------------------------------------------------------

  function locate(): void {
    const s = state.value;
    if (!s) return;
    if (!geo) {
      s.positionProblem = 'unsupported';
      return;
    }
    locating.value = true;
    geo.getCurrentPosition(
      (pos) => {
        locating.value = false;
        if (state.value !== s) return;
        s.position = {
          lat: pos.coords.latitude,
          lng: pos.coords.longitude,
          accuracy: pos.coords.accuracy,
          at: new Date(pos.timestamp || now().getTime()).toISOString(),
        };
        s.positionProblem = null;
      },
      (error) => {
        locating.value = false;
        if (state.value !== s) return;
        s.positionProblem = error.code === 1 ? 'denied' : 'unavailable';
      },
      { enableHighAccuracy: true, timeout: 30_000, maximumAge: 30_000 },
    );
  }

  const distance = computed<number | null>(() => {
    const pos = state.value?.position;
    const p = place.value;
    return pos && p ? distanceM(pos.lat, pos.lng, p.lat, p.lng) : null;
  });
  const tooFar = computed(
    () => !o.selfCheck && distance.value !== null && distance.value > o.config.value.visitMaxDistanceM,
  );

  // ---- checklist ---------------------------------------------------------------------------------

  const items = computed(() => (state.value && place.value ? applicableOf(state.value, template.value, place.value) : []));
  const sections = computed(() =>
    template.value.sections
      .map((section) => ({ section, items: items.value.filter((i) => i.section === section.code) }))
      .filter((s) => s.items.length > 0),
  );
  const suggestionByItem = computed(() => {
    const map = new Map<string, Suggestion>();
    if (state.value) for (const g of openSuggestions(state.value, items.value, o.config.value.vacations)) map.set(g.itemCode, g);
    return map;
  });
  const problems = computed<FormProblem[]>(() =>
    state.value && place.value ? problemsOf(state.value, template.value, place.value) : [],
  );

  function answer(code: string): DraftAnswer {
    const s = state.value!;
    let a = s.answers[code];
    if (!a) {
      a = { value: null, note: '', evidence: [], suggested: false };
      s.answers[code] = a;
    }
    return a;
  }

  function setValue(code: string, value: AnswerValue): void {
    const s = state.value;
    if (!s) return;
    if (value === null || value === '') {
      const a = s.answers[code];
      if (a && a.note === '' && a.evidence.length === 0) delete s.answers[code];
      else if (a) {
        a.value = null;
        a.suggested = false;
      }
      return;
    }
    const a = answer(code);
    a.value = value;
    a.suggested = false;
  }

  function setNote(code: string, note: string): void {
    answer(code).note = note;
  }

  function setEvidence(code: string, evidence: string[]): void {
    answer(code).evidence = evidence;
    rememberPhotos(evidence);
  }

  function rememberPhotos(shas: readonly string[]): void {
    const s = state.value;
    if (!s) return;
    for (const sha of shas) if (!s.photos.includes(sha)) s.photos.push(sha);
  }

  function confirmSuggestion(g: Suggestion): void {
    const a = answer(g.itemCode);
    a.value = g.value;
    a.suggested = true;
    if (a.note.trim() === '') a.note = g.reason;
  }

  function rejectSuggestion(g: Suggestion): void {
    state.value?.rejectedSuggestions.push(suggestionKey(g));
  }

  // ---- shift, findings ---------------------------------------------------------------------------

  const shift = computed<Shift | null>(() => (state.value ? effectiveShift(state.value) : null));

  function overrideShift(next: Shift | null): void {
    const s = state.value;
    if (!s) return;
    s.shiftOverride = next === s.shiftAuto ? null : next;
  }

  function addFinding(category: ViolationCategory = 'other'): void {
    state.value?.findings.push({ category, description: '', evidence: [] });
  }

  function removeFinding(index: number): void {
    state.value?.findings.splice(index, 1);
  }

  // ---- finish and discard ------------------------------------------------------------------------

  /** Submits when nothing is missing; returns the problems otherwise. */
  async function finish(): Promise<FormProblem[]> {
    attempted.value = true;
    const s = state.value;
    const p = place.value;
    const k = key.value;
    if (!s || !p || !k) return [];
    if (problems.value.length > 0) return problems.value;
    const ok = await write(async () => {
      await draft.stop();
      // A plain copy: IndexedDB cannot clone Vue's reactive proxies.
      const plain = JSON.parse(JSON.stringify(s)) as VisitDraftState;
      const visit = buildVisit(plain, template.value, p, {
        inspectorId: o.userId,
        deviceId: getDeviceId(),
        endedAt: now().toISOString(),
        distanceM: distance.value,
      });
      // The draft goes with the visit's own transaction; its unused photos are cleared after.
      const result = visit.amendsVisitId
        ? await amendVisit(o.db, { ...visit, amendsVisitId: visit.amendsVisitId }, { endDraft: k })
        : await submitVisit(o.db, visit, { endDraft: k });
      sync.notifyLocalWrite();
      await releaseDraftPhotos(o.db, plain, visitEvidence(result.visit));
      saved.value = result.visit;
      state.value = null;
    });
    // The draft is intact on the device; the inspector can try again.
    if (!ok) draft.resume();
    return [];
  }

  async function discard(): Promise<void> {
    const k = key.value;
    if (!k) return;
    await draft.stop();
    await endDraft(o.db, k);
    state.value = null;
  }

  /** True while a visit is being filled in: app updates wait (SPEC §4.1). */
  const open = computed(() => state.value !== null);

  return {
    place,
    task,
    template,
    state,
    loadError,
    restored,
    saved,
    locating,
    distance,
    tooFar,
    items,
    sections,
    suggestionByItem,
    problems,
    attempted,
    finishing,
    submitError,
    saveError: draft.saveError,
    shift,
    open,
    locate,
    setValue,
    setNote,
    setEvidence,
    rememberPhotos,
    confirmSuggestion,
    rejectSuggestion,
    overrideShift,
    addFinding,
    removeFinding,
    finish,
    discard,
  };
}

export type VisitForm = ReturnType<typeof useVisitForm>;
