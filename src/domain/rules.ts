/**
 * The checklist rules engine: which items apply to a visit, which answers are violations, what a
 * violating answer needs (note, photo), and whether a set of answers fits the visit's outcome; and
 * the rules of a visit as a record: what a building manager's self-check is, who may amend a visit.
 * Used by the visit form on the device and by the server when it accepts `visit.submit`.
 */
import type { Answer, AnswerValue, ChecklistItem, ChecklistTemplate, Finding, ItemAppliesTo, Visit } from './entities';
import { TEXT_MAX } from './entities';
import type { PlaceKind, Shift, ViolationCategory, VisitOutcome } from './enums';
import { VIOLATION_CATEGORIES } from './enums';
import { TIME_RE } from './calendar';

export type AnswerLike = Pick<Answer, 'itemCode' | 'value'> & Partial<Pick<Answer, 'note' | 'evidence'>>;

export interface ChecklistContext {
  placeKind: PlaceKind;
  shift: Shift;
  answers?: readonly AnswerLike[];
  /** A building manager's self-check of their own premises: section K only, A1 not asked. */
  selfCheck?: boolean;
}

export interface AnswerProblem {
  itemCode?: string;
  code:
    | 'unknown_item'
    | 'duplicate_answer'
    | 'not_applicable'
    | 'invalid_value'
    | 'note_required'
    | 'evidence_required'
    | 'a1_required'
    | 'outcome_inconsistent'
    | 'violation_required'
    | 'outcome_not_allowed';
  message: string;
}

/** A self-check ends with or without a finding: 无人/关门 and 拒绝检查 are an inspector's outcomes. */
export const SELF_CHECK_OUTCOMES: readonly VisitOutcome[] = ['no_issue', 'issue_found'];

/** An inspection with these outcomes opens a case (SPEC §7): a finding to verify, or a refused entry. */
export const CASE_OPENING_OUTCOMES: readonly VisitOutcome[] = ['issue_found', 'entry_refused'];

/**
 * Whether a visit's outcome is a problem to flag on screen: one that opens a case. 无人/关门 is not
 * one — it only asks for a revisit (CHECKLIST.md, outcome).
 */
export function isProblemOutcome(outcome: VisitOutcome): boolean {
  return CASE_OPENING_OUTCOMES.includes(outcome);
}

/** The photos a visit references (answers and findings), each once. */
export function visitEvidence(v: { answers: readonly { evidence: readonly string[] }[]; findings: readonly { evidence: readonly string[] }[] }): string[] {
  const out = new Set<string>();
  for (const a of v.answers) for (const e of a.evidence) out.add(e);
  for (const f of v.findings) for (const e of f.evidence) out.add(e);
  return [...out];
}

/**
 * A building manager's visit is a self-check of their own premises (SPEC §4.6), made openly: never
 * for a task, never covert, never 四不两直.
 */
export function isOpenSelfCheck(v: Pick<Visit, 'selfCheck' | 'taskId' | 'style' | 'unannounced'>): boolean {
  return v.selfCheck === true && !v.taskId && v.style === 'open' && !v.unannounced;
}

/**
 * A submitted visit is evidence and never changes; a correction (a new visit with `amendsVisitId`)
 * is for the visit's own inspectors to make, nobody else's — not even a coordinator's.
 */
export function mayAmendVisit(viewer: { id: string }, visit: Pick<Visit, 'inspectorIds'>): boolean {
  return visit.inspectorIds.includes(viewer.id);
}

/** A shift other than the one derived from local time needs the inspector's reason (SPEC §4.4). */
export function shiftOverrideNeedsReason(v: { shift: Shift; derivedShift: Shift; reason?: string | null }): boolean {
  return v.shift !== v.derivedShift && (v.reason ?? '').trim() === '';
}

/** The value answered for an item; `undefined` when the item is unanswered (null counts as unanswered). */
export function answerValue(answers: readonly AnswerLike[] | undefined, itemCode: string): AnswerValue | undefined {
  const a = answers?.find((x) => x.itemCode === itemCode);
  return a === undefined || a.value === null ? undefined : a.value;
}

function whenHolds(
  when: NonNullable<ItemAppliesTo['when']>,
  answers: readonly AnswerLike[] | undefined,
): boolean {
  return answerValue(answers, when.itemCode) === when.equals;
}

/** Whether one item is shown for the context (all conditions of `appliesTo` must hold). */
export function itemApplies(item: ChecklistItem, ctx: ChecklistContext): boolean {
  const a = item.appliesTo;
  if (!a) return true;
  if (a.placeKinds && !a.placeKinds.includes(ctx.placeKind)) return false;
  if (a.shifts && !a.shifts.includes(ctx.shift)) return false;
  if (a.when && !whenHolds(a.when, ctx.answers)) return false;
  if (a.anyOf && a.anyOf.length > 0) {
    const one = a.anyOf.some(
      (alt) =>
        (!alt.placeKinds || alt.placeKinds.includes(ctx.placeKind)) && (!alt.when || whenHolds(alt.when, ctx.answers)),
    );
    if (!one) return false;
  }
  return true;
}

/** A template's items by code (the first of a code) and those of its self-check. */
interface ItemIndex {
  items: readonly ChecklistItem[];
  byCode: Map<string, ChecklistItem>;
  selfCheck: Set<ChecklistItem>;
}

/**
 * Templates are immutable once published, and the server checks hundreds of visits against one: the
 * index is built once per template (again should its items array be replaced).
 */
const itemIndexes = new WeakMap<ChecklistTemplate, ItemIndex>();

function itemIndex(template: ChecklistTemplate): ItemIndex {
  const known = itemIndexes.get(template);
  if (known && known.items === template.items) return known;
  const byCode = new Map<string, ChecklistItem>();
  for (const item of template.items) if (!byCode.has(item.code)) byCode.set(item.code, item);
  const index = { items: template.items, byCode, selfCheck: new Set(selfCheckItems(template)) };
  itemIndexes.set(template, index);
  return index;
}

/**
 * Whether an item of `template` is shown in `ctx`: the template is for the place's kind, a self-check
 * shows its own items only, and the item's own conditions hold.
 */
function shownIn(template: ChecklistTemplate, ctx: ChecklistContext): (item: ChecklistItem) => boolean {
  if (template.appliesTo.placeKinds && !template.appliesTo.placeKinds.includes(ctx.placeKind)) return () => false;
  const { selfCheck } = itemIndex(template);
  return (item) => (!ctx.selfCheck || selfCheck.has(item)) && itemApplies(item, ctx);
}

/** Items shown for a place kind, shift and the answers given so far, in template order. */
export function applicableItems(template: ChecklistTemplate, ctx: ChecklistContext): ChecklistItem[] {
  return template.items.filter(shownIn(template, ctx));
}

export function isViolation(item: ChecklistItem, value: AnswerValue | undefined): boolean {
  return item.violationWhen !== undefined && value !== null && value !== undefined && value === item.violationWhen;
}

/** A violating answer needs a note, and a photo where the item asks for evidence. */
export function answerRequirements(
  item: ChecklistItem,
  value: AnswerValue | undefined,
): { noteRequired: boolean; photoRequired: boolean } {
  const v = isViolation(item, value);
  return { noteRequired: v, photoRequired: v && item.evidenceOnViolation };
}

/** Why a value does not fit the item's kind, or null when it fits. */
export function valueProblem(item: ChecklistItem, value: AnswerValue): string | null {
  if (value === null) return null;
  switch (item.kind) {
    case 'yesno':
      return typeof value === 'boolean' ? null : '应为“是”或“否”';
    case 'number':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? null : '应为不小于0的整数';
    case 'text':
      return typeof value === 'string' ? null : '应为文字';
    case 'choice':
      return typeof value === 'string' && (item.options ?? []).includes(value)
        ? null
        : `应为以下选项之一：${(item.options ?? []).join('、')}`;
    case 'time':
      return typeof value === 'string' && TIME_RE.test(value) ? null : '应为“时:分”格式的时间，如 20:30';
  }
}

function hasNote(a: AnswerLike): boolean {
  return typeof a.note === 'string' && a.note.trim().length > 0;
}

/**
 * Every problem with a visit's answers. An empty list means the answers may be submitted.
 * `findings` are the inspector's own findings besides the violated items.
 */
export function validateAnswers(
  template: ChecklistTemplate,
  ctx: Omit<ChecklistContext, 'answers'>,
  answers: readonly AnswerLike[],
  outcome: VisitOutcome,
  findings: readonly Pick<Finding, 'category'>[] = [],
): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const full: ChecklistContext = { ...ctx, answers };
  const { byCode } = itemIndex(template);
  // The rule of `applicableItems`, asked of the answered items only.
  const applies = shownIn(template, full);
  const seen = new Set<string>();
  let violations = 0;

  for (const a of answers) {
    const item = byCode.get(a.itemCode);
    if (!item) {
      problems.push({ itemCode: a.itemCode, code: 'unknown_item', message: `检查表中没有检查项 ${a.itemCode}` });
      continue;
    }
    if (seen.has(a.itemCode)) {
      problems.push({ itemCode: a.itemCode, code: 'duplicate_answer', message: `检查项 ${a.itemCode} 重复作答` });
      continue;
    }
    seen.add(a.itemCode);
    if (a.value === null) continue;
    if (!applies(item)) {
      problems.push({
        itemCode: item.code,
        code: 'not_applicable',
        message: `检查项 ${item.code} 不适用于本次检查，不应作答`,
      });
      continue;
    }
    const bad = valueProblem(item, a.value);
    if (bad) {
      problems.push({ itemCode: item.code, code: 'invalid_value', message: `检查项 ${item.code} 的答案无效：${bad}` });
      continue;
    }
    if (isViolation(item, a.value)) {
      violations++;
      const req = answerRequirements(item, a.value);
      if (req.noteRequired && !hasNote(a))
        problems.push({ itemCode: item.code, code: 'note_required', message: `检查项 ${item.code} 发现问题，须填写说明` });
      if (req.photoRequired && (a.evidence ?? []).length === 0)
        problems.push({
          itemCode: item.code,
          code: 'evidence_required',
          message: `检查项 ${item.code} 发现问题，须至少拍摄一张照片取证`,
        });
    }
  }

  if (!ctx.selfCheck && (outcome === 'no_issue' || outcome === 'issue_found') && answerValue(answers, 'A1') === undefined)
    problems.push({ itemCode: 'A1', code: 'a1_required', message: '须回答检查项 A1（现场是否发现培训活动）' });
  if (ctx.selfCheck && !SELF_CHECK_OUTCOMES.includes(outcome))
    problems.push({ code: 'outcome_not_allowed', message: '楼栋自查的结果只能是“未发现问题”或“发现问题”' });
  if (outcome === 'no_issue' && violations > 0)
    problems.push({
      code: 'outcome_inconsistent',
      message: `检查结果为“未发现问题”，但有 ${violations} 个检查项发现问题`,
    });
  if (outcome === 'issue_found' && violations === 0 && findings.length === 0)
    problems.push({ code: 'violation_required', message: '检查结果为“发现问题”，须至少有一个问题检查项或问题记录' });
  return problems;
}

function violatedItems(template: ChecklistTemplate, answers: readonly AnswerLike[]): [ChecklistItem, AnswerLike][] {
  const out: [ChecklistItem, AnswerLike][] = [];
  for (const item of template.items) {
    const a = answers.find((x) => x.itemCode === item.code);
    if (a && isViolation(item, a.value)) out.push([item, a]);
  }
  return out;
}

/** The categories of the violated items, once each, in the order of VIOLATION_CATEGORIES. */
export function violatedCategories(template: ChecklistTemplate, answers: readonly AnswerLike[]): ViolationCategory[] {
  const set = new Set<ViolationCategory>();
  for (const [item] of violatedItems(template, answers)) set.add(item.category ?? 'other');
  return VIOLATION_CATEGORIES.filter((c) => set.has(c));
}

/** One finding per violated item: its category, its text plus the inspector's note, its evidence. */
export function findingsFromAnswers(template: ChecklistTemplate, answers: readonly AnswerLike[]): Finding[] {
  return violatedItems(template, answers).map(([item, a]) => {
    const note = typeof a.note === 'string' ? a.note.trim() : '';
    const description = note ? `${item.text}：${note}` : item.text;
    return {
      category: item.category ?? 'other',
      // Within what a finding may hold whatever the item's text: the whole note stays on the answer.
      description: description.length > TEXT_MAX.finding ? `${description.slice(0, TEXT_MAX.finding - 1)}…` : description,
      evidence: [...(a.evidence ?? [])],
    };
  });
}

/**
 * The inspector's own findings of a submitted visit: its findings minus one for each violated answer
 * (`findingsFromAnswers`). A derived finding is recognised by its category, its photos in any order
 * (a record that went through the server or an older app may list them differently) and its
 * description, which may have been cut, ending in '…', to the length a finding may hold.
 */
export function ownFindings(
  visit: { answers: readonly AnswerLike[]; findings: readonly Finding[] },
  template: ChecklistTemplate,
): Finding[] {
  const rest = [...visit.findings];
  for (const d of findingsFromAnswers(template, visit.answers)) {
    const i = rest.findIndex((f) => sameDerivedFinding(f, d));
    if (i >= 0) rest.splice(i, 1);
  }
  return rest;
}

function sameDerivedFinding(stored: Finding, derived: Finding): boolean {
  if (stored.category !== derived.category) return false;
  const a = [...stored.evidence].sort();
  const b = [...derived.evidence].sort();
  if (a.length !== b.length || a.some((sha, i) => sha !== b[i])) return false;
  const s = stored.description.trim();
  const d = derived.description.trim();
  if (s === d) return true;
  // One of the two was cut: the shorter, without its ellipsis, begins the longer.
  const [short, long] = s.length <= d.length ? [s, d] : [d, s];
  const stem = short.endsWith('…') ? short.slice(0, -1) : short;
  return short.endsWith('…') && stem.length > 0 && long.startsWith(stem);
}

/** The building manager's self-check: the items of the `premises_management` section (K). */
export function selfCheckItems(template: ChecklistTemplate): ChecklistItem[] {
  const codes = new Set(template.sections.filter((s) => s.category === 'premises_management').map((s) => s.code));
  return template.items.filter((i) => codes.has(i.section));
}

/**
 * The categories of the case a visit opens: those of its violated items and of its findings, once
 * each in canonical order; a refused entry with none is `other` (CHECKLIST.md, outcome).
 */
export function visitCaseCategories(
  template: ChecklistTemplate | undefined,
  visit: { answers: readonly AnswerLike[]; findings: readonly Pick<Finding, 'category'>[]; outcome: VisitOutcome },
): ViolationCategory[] {
  const set = new Set<ViolationCategory>(template ? violatedCategories(template, visit.answers) : []);
  for (const f of visit.findings) set.add(f.category);
  if (set.size === 0 && visit.outcome === 'entry_refused') set.add('other');
  return VIOLATION_CATEGORIES.filter((c) => set.has(c));
}
