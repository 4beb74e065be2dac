import { describe, expect, it } from 'vitest';
import { CHECKLIST_V1, itemByCode } from '../../src/domain/checklist';
import { answerSchema, findingSchema, TEXT_MAX, type Answer, type ChecklistItem, type ChecklistTemplate } from '../../src/domain/entities';
import { PLACE_KINDS, SHIFTS, VISIT_OUTCOMES } from '../../src/domain/enums';
import {
  answerRequirements,
  applicableItems,
  findingsFromAnswers,
  ownFindings,
  isOpenSelfCheck,
  isProblemOutcome,
  isViolation,
  mayAmendVisit,
  selfCheckItems,
  shiftOverrideNeedsReason,
  validateAnswers,
  violatedCategories,
  visitCaseCategories,
  type AnswerLike,
} from '../../src/domain/rules';

const PHOTO = 'a'.repeat(64);
const PHOTO2 = 'b'.repeat(64);
const item = (code: string): ChecklistItem => {
  const i = itemByCode(CHECKLIST_V1, code);
  if (!i) throw new Error(code);
  return i;
};
const ans = (itemCode: string, value: Answer['value'], extra: Partial<Answer> = {}): Answer => ({
  itemCode,
  value,
  evidence: [],
  ...extra,
});
const codes = (items: ChecklistItem[]) => items.map((i) => i.code);
const dayAt = (placeKind: Parameters<typeof applicableItems>[1]['placeKind'], answers: AnswerLike[] = []) => ({
  placeKind,
  shift: 'day' as const,
  answers,
});

describe('applicableItems', () => {
  it('a residential building with no lessons found: no A2–A5, no section I', () => {
    const list = codes(applicableItems(CHECKLIST_V1, dayAt('residential_building', [ans('A1', false)])));
    expect(list).toContain('A1');
    expect(list).not.toContain('A2');
    expect(list).not.toContain('A5');
    expect(list.filter((c) => c.startsWith('I'))).toEqual([]);
    expect(list).toContain('K1');
    expect(list).toHaveLength(38 - 4 - 5);
  });

  it('lessons found (A1 = 是): A2–A5 and section I appear everywhere', () => {
    const list = codes(applicableItems(CHECKLIST_V1, dayAt('cafe', [ans('A1', true)])));
    expect(list).toEqual(expect.arrayContaining(['A2', 'A3', 'A4', 'A5', 'I1', 'I5']));
    expect(list).toHaveLength(38);
  });

  it('training premises get section I even without lessons found', () => {
    for (const kind of ['training_institution', 'care_center'] as const) {
      const list = codes(applicableItems(CHECKLIST_V1, dayAt(kind, [ans('A1', false)])));
      expect(list).toContain('I1');
      expect(list).not.toContain('A2');
    }
  });

  it('an unanswered or null A1 hides the dependent items', () => {
    expect(codes(applicableItems(CHECKLIST_V1, dayAt('hotel')))).not.toContain('A3');
    expect(codes(applicableItems(CHECKLIST_V1, dayAt('hotel', [ans('A1', null)])))).not.toContain('A3');
  });

  it('honours placeKinds and shifts restrictions on items and templates', () => {
    const t: ChecklistTemplate = {
      ...CHECKLIST_V1,
      items: [
        { ...item('A1') },
        { ...item('D2'), appliesTo: { shifts: ['night'] } },
        { ...item('K1'), appliesTo: { placeKinds: ['rental_housing'] } },
      ],
    };
    expect(codes(applicableItems(t, { placeKind: 'rental_housing', shift: 'day' }))).toEqual(['A1', 'K1']);
    expect(codes(applicableItems(t, { placeKind: 'hotel', shift: 'night' }))).toEqual(['A1', 'D2']);
    expect(applicableItems({ ...t, appliesTo: { placeKinds: ['hotel'] } }, { placeKind: 'cafe', shift: 'day' })).toEqual(
      [],
    );
  });
});

describe('isViolation and answerRequirements', () => {
  it('是 violates a 是-item, 否 violates a 否-item, nothing else does', () => {
    expect(isViolation(item('B2'), true)).toBe(true);
    expect(isViolation(item('B2'), false)).toBe(false);
    expect(isViolation(item('B1'), false)).toBe(true);
    expect(isViolation(item('B1'), true)).toBe(false);
    expect(isViolation(item('B1'), null)).toBe(false);
    expect(isViolation(item('B1'), undefined)).toBe(false);
    expect(isViolation(item('A1'), true)).toBe(false);
  });

  it('a violation needs a note, and a photo where the item asks for evidence', () => {
    expect(answerRequirements(item('B2'), true)).toEqual({ noteRequired: true, photoRequired: true });
    expect(answerRequirements(item('D3'), true)).toEqual({ noteRequired: true, photoRequired: false });
    expect(answerRequirements(item('B2'), false)).toEqual({ noteRequired: false, photoRequired: false });
  });
});

describe('validateAnswers', () => {
  const ctx = { placeKind: 'residential_building' as const, shift: 'night' as const };
  const problemCodes = (ps: ReturnType<typeof validateAnswers>) => ps.map((p) => [p.itemCode, p.code]);

  it('accepts a clean no-issue visit', () => {
    expect(validateAnswers(CHECKLIST_V1, ctx, [ans('A1', false), ans('B1', true), ans('K1', false)], 'no_issue')).toEqual(
      [],
    );
  });

  it('accepts a complete issue-found visit with notes and photos', () => {
    const answers = [
      ans('A1', true),
      ans('A2', 6),
      ans('A3', '数学'),
      ans('A4', '初中'),
      ans('A5', '21:10'),
      ans('D2', true, { note: '21:10 仍在上课', evidence: [PHOTO] }),
      ans('D3', true, { note: '录播课' }),
    ];
    expect(validateAnswers(CHECKLIST_V1, ctx, answers, 'issue_found')).toEqual([]);
  });

  it('a violating answer needs a note and, where asked, a photo', () => {
    const ps = validateAnswers(
      CHECKLIST_V1,
      ctx,
      [ans('A1', false), ans('K1', true), ans('K2', true, { note: '   ' }), ans('B1', false, { note: '无证' })],
      'issue_found',
    );
    expect(problemCodes(ps)).toEqual([
      ['K1', 'note_required'],
      ['K1', 'evidence_required'],
      ['K2', 'note_required'],
      ['B1', 'evidence_required'],
    ]);
    expect(ps[0]?.message).toMatch(/说明/);
    expect(ps[1]?.message).toMatch(/照片/);
  });

  it('rejects answers to items that do not apply', () => {
    const ps = validateAnswers(CHECKLIST_V1, ctx, [ans('A1', false), ans('A2', 3), ans('I1', true)], 'no_issue');
    expect(problemCodes(ps)).toEqual([
      ['A2', 'not_applicable'],
      ['I1', 'not_applicable'],
    ]);
  });

  it('rejects exactly the answered items applicableItems leaves out, in every context', () => {
    const cafeOnly: ChecklistTemplate = { ...CHECKLIST_V1, appliesTo: { placeKinds: ['cafe'] } };
    // A value of the item's kind that is no violation, so only applicability can reject it.
    const fine = (i: ChecklistItem): Answer['value'] =>
      i.kind === 'yesno' ? i.violationWhen !== true : i.kind === 'number' ? 0 : i.kind === 'choice' ? i.options![0]! : i.kind === 'time' ? '08:30' : '无';
    let rejections = 0;
    for (const template of [CHECKLIST_V1, cafeOnly])
      for (const placeKind of PLACE_KINDS)
        for (const shift of SHIFTS)
          for (const selfCheck of [false, true])
            for (const a1 of [true, false]) {
              const c = { placeKind, shift, selfCheck };
              const answers = template.items.map((i) => ans(i.code, i.code === 'A1' ? a1 : fine(i)));
              const shown = new Set(codes(applicableItems(template, { ...c, answers })));
              const rejected = validateAnswers(template, c, answers, 'premises_closed').filter((p) => p.code === 'not_applicable');
              expect(rejected.map((p) => p.itemCode)).toEqual(template.items.map((i) => i.code).filter((code) => !shown.has(code)));
              rejections += rejected.length;
            }
    expect(rejections).toBeGreaterThan(0);
  });

  it('rejects unknown and duplicate items', () => {
    const ps = validateAnswers(CHECKLIST_V1, ctx, [ans('A1', false), ans('Z1', true), ans('A1', false)], 'no_issue');
    expect(problemCodes(ps)).toEqual([
      ['Z1', 'unknown_item'],
      ['A1', 'duplicate_answer'],
    ]);
  });

  it('checks the value type of each item kind', () => {
    const base = [ans('A1', true)];
    const bad = (a: Answer) => problemCodes(validateAnswers(CHECKLIST_V1, ctx, [...base, a], 'premises_closed'));
    expect(bad(ans('B2', 'yes'))).toEqual([['B2', 'invalid_value']]);
    expect(bad(ans('A2', -1))).toEqual([['A2', 'invalid_value']]);
    expect(bad(ans('A2', 2.5))).toEqual([['A2', 'invalid_value']]);
    expect(bad(ans('A2', '3'))).toEqual([['A2', 'invalid_value']]);
    expect(bad(ans('A2', 0))).toEqual([]);
    expect(bad(ans('A3', '美术'))).toEqual([['A3', 'invalid_value']]);
    expect(bad(ans('A3', '非学科'))).toEqual([]);
    expect(bad(ans('A4', '大学'))).toEqual([['A4', 'invalid_value']]);
    expect(bad(ans('A5', '8:30'))).toEqual([['A5', 'invalid_value']]);
    expect(bad(ans('A5', '24:00'))).toEqual([['A5', 'invalid_value']]);
    expect(bad(ans('A5', true))).toEqual([['A5', 'invalid_value']]);
    expect(bad(ans('A5', '20:45'))).toEqual([]);
  });

  it('no_issue and issue_found need A1; closed premises and refused entry do not', () => {
    expect(problemCodes(validateAnswers(CHECKLIST_V1, ctx, [], 'no_issue'))).toEqual([['A1', 'a1_required']]);
    expect(problemCodes(validateAnswers(CHECKLIST_V1, ctx, [ans('A1', null)], 'no_issue'))).toEqual([
      ['A1', 'a1_required'],
    ]);
    expect(validateAnswers(CHECKLIST_V1, ctx, [], 'premises_closed')).toEqual([]);
    expect(validateAnswers(CHECKLIST_V1, ctx, [], 'entry_refused')).toEqual([]);
  });

  it('no_issue with a violation is inconsistent', () => {
    const ps = validateAnswers(CHECKLIST_V1, ctx, [ans('A1', false), ans('E2', true, { note: '去外地' })], 'no_issue');
    expect(problemCodes(ps)).toEqual([[undefined, 'outcome_inconsistent']]);
  });

  it('issue_found needs a violated item or a finding', () => {
    const answers = [ans('A1', false), ans('E2', false)];
    expect(problemCodes(validateAnswers(CHECKLIST_V1, ctx, answers, 'issue_found'))).toEqual([
      [undefined, 'violation_required'],
    ]);
    expect(validateAnswers(CHECKLIST_V1, ctx, answers, 'issue_found', [{ category: 'other' }])).toEqual([]);
  });
});

describe('violatedCategories and findingsFromAnswers', () => {
  const answers = [
    ans('A1', true),
    ans('J1', true, { note: '电梯内有招生广告', evidence: [PHOTO] }),
    ans('B1', false, { note: '无办学许可证', evidence: [PHOTO, PHOTO2] }),
    ans('B2', true, { note: '以家政名义', evidence: [PHOTO2] }),
    ans('C1', true),
    ans('D3', true),
  ];

  it('lists each violated category once, in canonical order', () => {
    expect(violatedCategories(CHECKLIST_V1, answers)).toEqual(['subject', 'time', 'advertising']);
    expect(violatedCategories(CHECKLIST_V1, [ans('A1', true)])).toEqual([]);
  });

  it('makes one finding per violated item with text, note and evidence', () => {
    const findings = findingsFromAnswers(CHECKLIST_V1, answers);
    expect(findings).toEqual([
      { category: 'subject', description: `${item('B1').text}：无办学许可证`, evidence: [PHOTO, PHOTO2] },
      { category: 'subject', description: `${item('B2').text}：以家政名义`, evidence: [PHOTO2] },
      { category: 'time', description: item('D3').text, evidence: [] },
      { category: 'advertising', description: `${item('J1').text}：电梯内有招生广告`, evidence: [PHOTO] },
    ]);
  });

  it('makes a valid finding from any valid answer: a note at its limit, even a very long item text', () => {
    // A note the form accepts (its full length) must not make the visit's derived finding invalid:
    // the server would reject the whole visit while its case went through.
    const longest = ans('K1', true, { note: '楼'.repeat(TEXT_MAX.note), evidence: [PHOTO] });
    expect(answerSchema.safeParse(longest).success).toBe(true);
    const [finding] = findingsFromAnswers(CHECKLIST_V1, [longest]);
    expect(findingSchema.safeParse(finding).success).toBe(true);
    expect(finding!.description).toBe(`${item('K1').text}：${'楼'.repeat(TEXT_MAX.note)}`);

    const wordy: ChecklistTemplate = { ...CHECKLIST_V1, items: CHECKLIST_V1.items.map((i) => (i.code === 'K1' ? { ...i, text: '长'.repeat(3000) } : i)) };
    const [cut] = findingsFromAnswers(wordy, [longest]);
    expect(cut!.description).toHaveLength(TEXT_MAX.finding);
    expect(cut!.description.endsWith('…')).toBe(true);
    expect(findingSchema.safeParse(cut).success).toBe(true);
  });
});

describe('selfCheckItems', () => {
  it('is the building manager self-check: section K', () => {
    expect(codes(selfCheckItems(CHECKLIST_V1))).toEqual(['K1', 'K2', 'K3']);
  });
});

describe('a self-check', () => {
  const ctx = { placeKind: 'residential_building' as const, shift: 'day' as const, selfCheck: true };

  it('shows section K only and does not ask A1', () => {
    expect(codes(applicableItems(CHECKLIST_V1, ctx))).toEqual(['K1', 'K2', 'K3']);
    expect(validateAnswers(CHECKLIST_V1, ctx, [ans('K1', false), ans('K3', true)], 'no_issue')).toEqual([]);
  });

  it('still requires a note and a photo for a violating K answer, and rejects inspection items', () => {
    const problems = validateAnswers(CHECKLIST_V1, ctx, [ans('K1', true), ans('B2', true)], 'issue_found');
    expect(problems.map((p) => `${p.itemCode}:${p.code}`).sort()).toEqual([
      'B2:not_applicable',
      'K1:evidence_required',
      'K1:note_required',
    ]);
  });
});

describe('isOpenSelfCheck', () => {
  const open = { selfCheck: true, taskId: null, style: 'open' as const, unannounced: false };

  it('is a self-check made openly, for no task', () => {
    expect(isOpenSelfCheck(open)).toBe(true);
    expect(isOpenSelfCheck({ ...open, taskId: undefined })).toBe(true);
  });

  it('is not covert, unannounced, for a task, or an inspection', () => {
    expect(isOpenSelfCheck({ ...open, style: 'covert' })).toBe(false);
    expect(isOpenSelfCheck({ ...open, unannounced: true })).toBe(false);
    expect(isOpenSelfCheck({ ...open, taskId: '01900000-0000-7000-8000-0000000000c1' })).toBe(false);
    expect(isOpenSelfCheck({ ...open, selfCheck: false })).toBe(false);
    expect(isOpenSelfCheck({ ...open, selfCheck: undefined })).toBe(false);
  });
});

describe('mayAmendVisit', () => {
  const A = '01900000-0000-7000-8000-0000000000a1';
  const B = '01900000-0000-7000-8000-0000000000a2';

  it('lets every inspector of the visit amend it, and nobody else', () => {
    const visit = { inspectorIds: [A, B] };
    expect(mayAmendVisit({ id: A }, visit)).toBe(true);
    expect(mayAmendVisit({ id: B }, visit)).toBe(true);
    expect(mayAmendVisit({ id: '01900000-0000-7000-8000-0000000000a3' }, visit)).toBe(false);
    expect(mayAmendVisit({ id: B }, { inspectorIds: [A] })).toBe(false);
  });
});

describe('visitCaseCategories', () => {
  it('joins violated items and free findings, once each in canonical order', () => {
    const answers = [ans('A1', true), ans('J1', true, { note: '广告', evidence: [PHOTO] })];
    const findings = [{ category: 'fees' as const }, { category: 'advertising' as const }];
    expect(visitCaseCategories(CHECKLIST_V1, { answers, findings, outcome: 'issue_found' })).toEqual(['fees', 'advertising']);
  });

  it('counts a free finding alone, and makes a bare refused entry "other"', () => {
    expect(visitCaseCategories(CHECKLIST_V1, { answers: [], findings: [{ category: 'safety' }], outcome: 'issue_found' })).toEqual(['safety']);
    expect(visitCaseCategories(CHECKLIST_V1, { answers: [], findings: [], outcome: 'entry_refused' })).toEqual(['other']);
  });
});

describe('isProblemOutcome', () => {
  it('flags the outcomes that open a case, and not 无人/关门', () => {
    expect(VISIT_OUTCOMES.filter(isProblemOutcome)).toEqual(['issue_found', 'entry_refused']);
    expect(isProblemOutcome('no_issue')).toBe(false);
    expect(isProblemOutcome('premises_closed')).toBe(false);
  });
});

describe('visit rules beyond the answers', () => {
  it('refuses a self-check ending as 无人/关门 or 拒绝检查', () => {
    const ctx = { placeKind: 'residential_building' as const, shift: 'day' as const, selfCheck: true };
    expect(validateAnswers(CHECKLIST_V1, ctx, [], 'entry_refused').map((p) => p.code)).toEqual(['outcome_not_allowed']);
    expect(validateAnswers(CHECKLIST_V1, ctx, [ans('K3', true)], 'no_issue')).toEqual([]);
  });

  it('asks for a reason only when the shift differs from the derived one', () => {
    expect(shiftOverrideNeedsReason({ shift: 'night', derivedShift: 'day', reason: ' ' })).toBe(true);
    expect(shiftOverrideNeedsReason({ shift: 'night', derivedShift: 'day', reason: '17:50 天已黑，按夜查' })).toBe(false);
    expect(shiftOverrideNeedsReason({ shift: 'day', derivedShift: 'day' })).toBe(false);
  });
});

describe('ownFindings', () => {
  const template = CHECKLIST_V1;
  const photo = (c: string) => c.repeat(64);

  it('drops a derived finding whose photos are in another order or whose description was cut', () => {
    const answers = [
      { itemCode: 'J1', value: true, note: '电梯内张贴数学辅导广告', evidence: [photo('a'), photo('b')] },
      { itemCode: 'K1', value: true, note: 'x'.repeat(50), evidence: [photo('c')] },
    ];
    const [j1, k1] = findingsFromAnswers(template, answers);
    const own = { category: 'advertising' as const, description: '小区门口另有传单', evidence: [photo('d')] };
    const stored = [
      { ...j1!, evidence: [photo('b'), photo('a')] },
      { ...k1!, description: `${k1!.description.slice(0, 30)}…` },
      own,
    ];
    expect(ownFindings({ answers, findings: stored }, template)).toEqual([own]);
  });

  it('keeps an own finding that only resembles a derived one', () => {
    const answers = [{ itemCode: 'J1', value: true, note: '电梯广告', evidence: [photo('a')] }];
    const [j1] = findingsFromAnswers(template, answers);
    const lookalike = { ...j1!, evidence: [photo('e')] };
    expect(ownFindings({ answers, findings: [j1!, lookalike] }, template)).toEqual([lookalike]);
  });
});
