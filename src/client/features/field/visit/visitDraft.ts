/**
 * The visit being filled in, as a plain serialisable object, and the pure rules that turn it into
 * a submittable visit or a list of what is still missing. Kept free of Vue so it can be stored in
 * the device's `meta` table and restored exactly after a reload or a crash.
 */
import type { AnswerValue, ChecklistItem, ChecklistTemplate, Finding, Place, Position, Task } from '../../../../domain/entities';
import type { Shift, TaskOrganization, TaskStyle, ViolationCategory, VisitOutcome } from '../../../../domain/enums';
import { applicableItems, findingsFromAnswers, isViolation, shiftOverrideNeedsReason, validateAnswers, type AnswerLike, type AnswerProblem } from '../../../../domain/rules';
import { suggestions, type Suggestion } from '../../../../domain/suggestions';
import type { VacationRange } from '../../../../domain/calendar';
import type { VisitDraft } from '../../../db/repositories';
import { VISIT_TEXT } from './text';

export interface DraftAnswer {
  value: AnswerValue;
  note: string;
  evidence: string[];
  suggested: boolean;
}

export interface DraftFinding {
  category: ViolationCategory;
  description: string;
  evidence: string[];
}

export type PositionProblem = 'unavailable' | 'denied' | 'unsupported';

export interface VisitDraftState {
  /** Layout of this object; a stored draft of another layout is not restored. */
  format: 1;
  id: string;
  placeId: string;
  taskId: string | null;
  selfCheck: boolean;
  amendsVisitId: string | null;
  templateId: string;
  templateVersion: number;
  startedAt: string;
  position: Position | null;
  positionProblem: PositionProblem | null;
  shiftAuto: Shift;
  shiftOverride: Shift | null;
  shiftOverrideReason: string;
  style: TaskStyle;
  unannounced: boolean;
  organization: TaskOrganization;
  subjectIds: string[];
  answers: Record<string, DraftAnswer>;
  /** Suggestions the inspector declined (`itemCode|reason`), so they are not offered again. */
  rejectedSuggestions: string[];
  findings: DraftFinding[];
  outcome: VisitOutcome | null;
  note: string;
  /** Every photo taken in this draft, so the ones dropped on the way can be released at the end. */
  photos: string[];
}

export type DraftMode = { kind: 'task'; taskId: string } | { kind: 'adhoc' } | { kind: 'self' } | { kind: 'amend'; visitId: string };

/** The `meta` key of the draft of one place and task (or ad hoc visit, self-check, correction). */
export function draftKey(placeId: string, mode: DraftMode): string {
  const tail =
    mode.kind === 'task' ? mode.taskId : mode.kind === 'adhoc' ? 'adhoc' : mode.kind === 'self' ? 'self' : `amend-${mode.visitId}`;
  return `draft:${placeId}:${tail}`;
}

export const DRAFT_PREFIX = 'draft:';

export function isDraftState(value: unknown): value is VisitDraftState {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === 1;
}

/** Style, 四不两直 and organization: the task's, or an open routine visit when there is no task. */
export function visitKindOf(task: Pick<Task, 'style' | 'unannounced' | 'organization'> | null, selfCheck: boolean) {
  if (task && !selfCheck) return { style: task.style, unannounced: task.unannounced, organization: task.organization };
  return { style: 'open' as const, unannounced: false, organization: 'routine' as const };
}

export function effectiveShift(s: Pick<VisitDraftState, 'shiftAuto' | 'shiftOverride'>): Shift {
  return s.shiftOverride ?? s.shiftAuto;
}

/** Every answer given so far (also to items no longer shown), as the rules engine reads them. */
export function answerList(s: Pick<VisitDraftState, 'answers'>): AnswerLike[] {
  return Object.entries(s.answers).map(([itemCode, a]) => ({ itemCode, value: a.value, note: a.note, evidence: a.evidence }));
}

export function applicableOf(s: VisitDraftState, template: ChecklistTemplate, place: Pick<Place, 'kind'>): ChecklistItem[] {
  return applicableItems(template, {
    placeKind: place.kind,
    shift: effectiveShift(s),
    answers: answerList(s),
    selfCheck: s.selfCheck,
  });
}

/** The answers that go into the visit: applicable items with a value; note and photos where they were asked for. */
export function submittedAnswers(s: VisitDraftState, items: readonly ChecklistItem[]) {
  const out: VisitDraft['answers'] = [];
  for (const item of items) {
    const a = s.answers[item.code];
    if (!a || a.value === null) continue;
    const violation = isViolation(item, a.value);
    const note = a.note.trim();
    out.push({
      itemCode: item.code,
      value: a.value,
      ...(violation && note ? { note } : {}),
      evidence: violation ? [...a.evidence] : [],
      ...(a.suggested ? { suggested: true } : {}),
    });
  }
  return out;
}

export function freeFindings(s: VisitDraftState): Finding[] {
  return s.findings.map((f) => ({ category: f.category, description: f.description.trim(), evidence: [...f.evidence] }));
}

/** Suggestions still to be decided: not yet the answer and not declined. */
export function openSuggestions(
  s: VisitDraftState,
  items: readonly ChecklistItem[],
  vacations: readonly VacationRange[] = [],
): Suggestion[] {
  const shown = new Set(items.map((i) => i.code));
  return suggestions({ answers: answerList(s), at: s.startedAt, vacations }).filter(
    (g) =>
      shown.has(g.itemCode) &&
      s.answers[g.itemCode]?.value !== g.value &&
      !s.rejectedSuggestions.includes(suggestionKey(g)),
  );
}

export function suggestionKey(g: Pick<Suggestion, 'itemCode' | 'reason'>): string {
  return `${g.itemCode}|${g.reason}`;
}

export interface FormProblem {
  /** The item to jump to, if any. */
  itemCode?: string;
  /** The form part to jump to otherwise. */
  anchor?: 'shift' | 'findings' | 'outcome';
  message: string;
}

/** Everything that keeps the visit from being finished; empty when it may be submitted. */
export function problemsOf(s: VisitDraftState, template: ChecklistTemplate, place: Pick<Place, 'kind'>): FormProblem[] {
  const items = applicableOf(s, template, place);
  const answers = submittedAnswers(s, items);
  // With no outcome chosen yet, check the answers against the outcome they point to.
  const outcome: VisitOutcome =
    s.outcome ?? (answers.some((a) => items.some((i) => i.code === a.itemCode && isViolation(i, a.value))) ? 'issue_found' : 'no_issue');
  const findings = freeFindings(s);
  const problems: FormProblem[] = [];
  if (shiftOverrideNeedsReason({ shift: effectiveShift(s), derivedShift: s.shiftAuto, reason: s.shiftOverrideReason }))
    problems.push({ anchor: 'shift', message: VISIT_TEXT.shiftReasonRequired });
  const fromRules: AnswerProblem[] = validateAnswers(
    template,
    { placeKind: place.kind, shift: effectiveShift(s), selfCheck: s.selfCheck },
    answers,
    outcome,
    findings,
  );
  for (const p of fromRules) {
    if (s.outcome === null && (p.code === 'outcome_inconsistent' || p.code === 'violation_required')) continue;
    problems.push(p.itemCode ? { itemCode: p.itemCode, message: p.message } : { anchor: 'outcome', message: p.message });
  }
  findings.forEach((f, i) => {
    if (f.description === '') problems.push({ anchor: 'findings', message: VISIT_TEXT.findingDescriptionRequired(i + 1) });
  });
  if (s.outcome === null) problems.push({ anchor: 'outcome', message: VISIT_TEXT.outcomeRequired });
  return problems;
}

/** The visit to submit (without hash and prevHash, which the repository chains). */
export function buildVisit(
  s: VisitDraftState,
  template: ChecklistTemplate,
  place: Pick<Place, 'kind' | 'lat' | 'lng'>,
  ctx: { inspectorId: string; deviceId: string; endedAt: string; distanceM: number | null },
): VisitDraft {
  if (s.outcome === null) throw new Error('buildVisit: no outcome');
  const items = applicableOf(s, template, place);
  const answers = submittedAnswers(s, items);
  const overridden = s.shiftOverride !== null && s.shiftOverride !== s.shiftAuto;
  return {
    id: s.id,
    taskId: s.taskId,
    placeId: s.placeId,
    subjectIds: [...s.subjectIds],
    inspectorIds: [ctx.inspectorId],
    shift: effectiveShift(s),
    ...(overridden ? { shiftOverrideReason: s.shiftOverrideReason.trim() } : {}),
    style: s.style,
    unannounced: s.unannounced,
    organization: s.organization,
    startedAt: s.startedAt,
    endedAt: ctx.endedAt,
    position: s.position,
    distanceM: ctx.distanceM,
    templateId: s.templateId,
    templateVersion: s.templateVersion,
    answers,
    // The violated items' findings, then the inspector's own: the repository keeps them as given.
    findings: [...findingsFromAnswers(template, answers), ...freeFindings(s)],
    outcome: s.outcome,
    note: s.note.trim() === '' ? null : s.note.trim(),
    deviceId: ctx.deviceId,
    ...(s.amendsVisitId ? { amendsVisitId: s.amendsVisitId } : {}),
    ...(s.selfCheck ? { selfCheck: true } : {}),
  };
}
