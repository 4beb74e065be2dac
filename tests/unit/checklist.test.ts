import { describe, expect, it } from 'vitest';
import {
  CHECKLIST_V1,
  CHECKLIST_V1_ID,
  itemByCode,
  itemsOfSection,
  sectionOf,
  STAGE_OPTIONS,
  SUBJECT_OPTIONS,
} from '../../src/domain/checklist';
import { checklistTemplateSchema } from '../../src/domain/entities';

describe('CHECKLIST_V1', () => {
  it('is a valid checklist template', () => {
    const parsed = checklistTemplateSchema.safeParse(CHECKLIST_V1);
    expect(parsed.error).toBeUndefined();
    expect(CHECKLIST_V1).toMatchObject({ id: CHECKLIST_V1_ID, code: 'xz-hidden-tutoring', version: 1 });
    expect(CHECKLIST_V1_ID).toBe('01900000-0000-7000-8000-000000000001');
  });

  it('has sections A–K with their categories', () => {
    expect(CHECKLIST_V1.sections.map((s) => [s.code, s.title, s.category])).toEqual([
      ['A', '基本情况', null],
      ['B', '培训主体', 'subject'],
      ['C', '培训人员', 'personnel'],
      ['D', '培训时间', 'time'],
      ['E', '培训地点', 'location'],
      ['F', '培训内容', 'content'],
      ['G', '培训方式', 'method'],
      ['H', '收费', 'fees'],
      ['I', '安全', 'safety'],
      ['J', '广告', 'advertising'],
      ['K', '房屋出租管理', 'premises_management'],
    ]);
  });

  it('has 38 items with unique codes, each in its section with the section category', () => {
    const codes = CHECKLIST_V1.items.map((i) => i.code);
    expect(codes).toHaveLength(38);
    expect(new Set(codes).size).toBe(38);
    for (const item of CHECKLIST_V1.items) {
      expect(item.code[0]).toBe(item.section);
      expect(item.category).toBe(sectionOf(CHECKLIST_V1, item)?.category);
    }
    expect(itemsOfSection(CHECKLIST_V1, 'F').map((i) => i.code)).toEqual(['F1', 'F2', 'F3', 'F4', 'F5', 'F6']);
  });

  it('section A states facts: no violation answer, A2–A5 shown only when A1 = 是', () => {
    for (const item of itemsOfSection(CHECKLIST_V1, 'A')) {
      expect(item.violationWhen).toBeUndefined();
      expect(item.category).toBeNull();
    }
    expect(itemByCode(CHECKLIST_V1, 'A1')?.appliesTo).toBeUndefined();
    for (const code of ['A2', 'A3', 'A4', 'A5'])
      expect(itemByCode(CHECKLIST_V1, code)?.appliesTo).toEqual({ when: { itemCode: 'A1', equals: true } });
    expect(itemByCode(CHECKLIST_V1, 'A2')?.kind).toBe('number');
    expect(itemByCode(CHECKLIST_V1, 'A5')?.kind).toBe('time');
  });

  it('A3 and A4 are choices with the listed options', () => {
    const a3 = itemByCode(CHECKLIST_V1, 'A3');
    expect(a3?.kind).toBe('choice');
    expect(a3?.options).toEqual([...SUBJECT_OPTIONS]);
    expect(a3?.options).toContain('道德与法治');
    expect(a3?.options?.at(-1)).toBe('非学科');
    const a4 = itemByCode(CHECKLIST_V1, 'A4');
    expect(a4?.kind).toBe('choice');
    expect(a4?.options).toEqual([...STAGE_OPTIONS]);
    expect(STAGE_OPTIONS).toEqual(['学龄前3-6岁', '小学', '初中', '普通高中']);
  });

  it('transcribes texts, violation answers and evidence flags', () => {
    expect(itemByCode(CHECKLIST_V1, 'B1')).toMatchObject({
      text: '培训主体是否证照齐全（办学许可证、营业执照）',
      kind: 'yesno',
      violationWhen: false,
      evidenceOnViolation: true,
      category: 'subject',
    });
    expect(itemByCode(CHECKLIST_V1, 'D2')).toMatchObject({
      text: '学科类培训结束时间是否晚于20:30',
      violationWhen: true,
      evidenceOnViolation: true,
      category: 'time',
    });
    expect(itemByCode(CHECKLIST_V1, 'D3')).toMatchObject({ violationWhen: true, evidenceOnViolation: false });
    expect(itemByCode(CHECKLIST_V1, 'F6')).toMatchObject({ violationWhen: false, evidenceOnViolation: false });
    expect(itemByCode(CHECKLIST_V1, 'H4')).toMatchObject({ violationWhen: false, evidenceOnViolation: true });
    expect(itemByCode(CHECKLIST_V1, 'I5')).toMatchObject({ violationWhen: true, category: 'safety' });
    expect(itemByCode(CHECKLIST_V1, 'K3')).toMatchObject({
      text: '是否已向租户告知不得开展违规校外培训',
      violationWhen: false,
      evidenceOnViolation: false,
      category: 'premises_management',
    });
    expect(itemByCode(CHECKLIST_V1, 'B2')?.text).toBe(
      '是否以咨询、文化传播、"家政服务""住家教师""高端家政""众筹私教"等名义开展学科类培训',
    );
    // Ten items have 否 as the violating answer.
    expect(CHECKLIST_V1.items.filter((i) => i.violationWhen === false).map((i) => i.code)).toEqual([
      'B1', 'C1', 'F6', 'H3', 'H4', 'I1', 'I2', 'I3', 'I4', 'K3',
    ]);
  });

  it('section I applies to training premises or when A1 = 是', () => {
    for (const item of itemsOfSection(CHECKLIST_V1, 'I'))
      expect(item.appliesTo).toEqual({
        anyOf: [{ placeKinds: ['training_institution', 'care_center'] }, { when: { itemCode: 'A1', equals: true } }],
      });
  });

  it('returns undefined for unknown codes', () => {
    expect(itemByCode(CHECKLIST_V1, 'Z9')).toBeUndefined();
  });
});
