/**
 * Checklist template `xz-hidden-tutoring` version 1, transcribed from `domain/CHECKLIST.md`.
 * Published templates are immutable: a change of wording is a new version with a new id.
 */
import type { ChecklistItem, ChecklistTemplate, ItemAppliesTo } from './entities';
import type { ItemKind, ViolationCategory } from './enums';

export const CHECKLIST_V1_ID = '01900000-0000-7000-8000-000000000001';
export const CHECKLIST_CODE = 'xz-hidden-tutoring';

export const SUBJECT_OPTIONS = [
  '语文',
  '数学',
  '英语',
  '物理',
  '化学',
  '生物',
  '历史',
  '地理',
  '道德与法治',
  '其他学科',
  '非学科',
] as const;
/** The A3 option that marks the training as non-academic (D1/D2 are not suggested for it). */
export const NON_ACADEMIC_OPTION = '非学科';
export const STAGE_OPTIONS = ['学龄前3-6岁', '小学', '初中', '普通高中'] as const;

interface SectionDef {
  code: string;
  title: string;
  category: ViolationCategory | null;
  appliesTo?: ItemAppliesTo;
  /** [code, text, violation answer (是 = true, 否 = false), evidence on violation] */
  items: [string, string, boolean, boolean][];
}

const WHEN_A1: ItemAppliesTo = { when: { itemCode: 'A1', equals: true } };

const SECTIONS: SectionDef[] = [
  {
    code: 'B',
    title: '培训主体',
    category: 'subject',
    items: [
      ['B1', '培训主体是否证照齐全（办学许可证、营业执照）', false, true],
      ['B2', '是否以咨询、文化传播、"家政服务""住家教师""高端家政""众筹私教"等名义开展学科类培训', true, true],
      ['B3', '已注销或已转型的学科类机构是否仍在营运（"假注销、真营运"）', true, true],
      ['B4', '托管（托餐）、托育机构是否超出登记备案范围开展学科类培训', true, true],
      ['B5', '家政服务企业是否将校外培训纳入家庭服务或推介"住家家教"', true, true],
    ],
  },
  {
    code: 'C',
    title: '培训人员',
    category: 'personnel',
    items: [
      ['C1', '授课人员是否具备相应教师资格', false, true],
      ['C2', '是否有中小学在职教师参与有偿补课或校外培训', true, true],
    ],
  },
  {
    code: 'D',
    title: '培训时间',
    category: 'time',
    items: [
      ['D1', '是否在国家法定节假日、休息日或寒暑假期开展学科类培训', true, true],
      ['D2', '学科类培训结束时间是否晚于20:30', true, true],
      ['D3', '是否通过"直播变录播"等方式变相开展学科类培训', true, false],
    ],
  },
  {
    code: 'E',
    title: '培训地点',
    category: 'location',
    items: [
      ['E1', '是否在居民楼、酒店、咖啡厅、出租房屋等登记场所之外开展"一对一""一对多"学科类培训', true, true],
      ['E2', '是否组织异地培训', true, false],
    ],
  },
  {
    code: 'F',
    title: '培训内容',
    category: 'content',
    items: [
      ['F1', '是否以游学、研学、夏令营、冬令营、思维训练、素质拓展、国学阅读等名义开展学科类培训', true, true],
      ['F2', '非学科类培训中是否夹带学科类内容', true, true],
      ['F3', '是否面向3-6岁学龄前儿童开展学科类（含外语）培训，或以"幼小衔接"名义开展', true, true],
      ['F4', '是否违规开展普通高中阶段学科类培训', true, true],
      ['F5', '培训内容是否超标超前、组织应试类考试竞赛或排名', true, true],
      ['F6', '培训材料是否经审核备案', false, false],
    ],
  },
  {
    code: 'G',
    title: '培训方式',
    category: 'method',
    items: [['G1', '线下机构是否通过即时通讯、网络会议、直播平台等方式开展线上学科类培训', true, true]],
  },
  {
    code: 'H',
    title: '收费',
    category: 'fees',
    items: [
      ['H1', '是否一次性收取或以充值、次卡等形式变相收取时间跨度超过3个月或60课时的费用', true, true],
      ['H2', '单次预收费是否超过5000元', true, true],
      ['H3', '收费是否进入指定银行专用账户（专款管理）', false, false],
      ['H4', '收费标准、退费规定是否公示上墙', false, true],
    ],
  },
  {
    code: 'I',
    title: '安全',
    category: 'safety',
    // Training premises only: the place is a training or care institution, or lessons were found.
    appliesTo: {
      anyOf: [{ placeKinds: ['training_institution', 'care_center'] }, { when: { itemCode: 'A1', equals: true } }],
    },
    items: [
      ['I1', '消防设施是否达标', false, true],
      ['I2', '安全出口、疏散通道是否畅通', false, true],
      ['I3', '监控设备是否全覆盖', false, false],
      ['I4', '是否建立安全管理制度和应急预案并开展演练', false, false],
      ['I5', '外窗防盗网、广告牌匾等是否存在重大隐患', true, true],
    ],
  },
  {
    code: 'J',
    title: '广告',
    category: 'advertising',
    items: [
      ['J1', '是否发布面向中小学生（含幼儿园）的校外培训广告（含楼道、电梯、宣传单）', true, true],
      ['J2', '是否存在"一对一""众筹私教""家庭教师"等招聘或招生信息', true, true],
    ],
  },
  {
    code: 'K',
    title: '房屋出租管理',
    category: 'premises_management',
    items: [
      ['K1', '房屋是否出租或出借给无资质机构或个人开展校外培训', true, true],
      ['K2', '近期是否发现学生在固定时段集中进出（疑似培训）', true, false],
      ['K3', '是否已向租户告知不得开展违规校外培训', false, false],
    ],
  },
];

function basic(code: string, kind: ItemKind, text: string, extra: Partial<ChecklistItem> = {}): ChecklistItem {
  return { code, section: 'A', text, kind, evidenceOnViolation: false, category: null, ...extra };
}

const SECTION_A_ITEMS: ChecklistItem[] = [
  basic('A1', 'yesno', '现场是否发现面向中小学生（含幼儿园）的培训活动'),
  basic('A2', 'number', '现场参训学生人数', { appliesTo: WHEN_A1 }),
  basic('A3', 'choice', '培训科目', { options: [...SUBJECT_OPTIONS], appliesTo: WHEN_A1 }),
  basic('A4', 'choice', '参训对象学段', { options: [...STAGE_OPTIONS], appliesTo: WHEN_A1 }),
  basic('A5', 'time', '现场观察到的培训结束时间（或预计结束时间）', { appliesTo: WHEN_A1 }),
];

export const CHECKLIST_V1: ChecklistTemplate = {
  id: CHECKLIST_V1_ID,
  code: CHECKLIST_CODE,
  version: 1,
  title: '校外培训隐形变异排查检查表',
  appliesTo: {},
  sections: [
    { code: 'A', title: '基本情况', category: null },
    ...SECTIONS.map(({ code, title, category }) => ({ code, title, category })),
  ],
  items: [
    ...SECTION_A_ITEMS,
    ...SECTIONS.flatMap((s) =>
      s.items.map(
        ([code, text, violationWhen, evidenceOnViolation]): ChecklistItem => ({
          code,
          section: s.code,
          text,
          kind: 'yesno',
          violationWhen,
          evidenceOnViolation,
          category: s.category,
          ...(s.appliesTo ? { appliesTo: s.appliesTo } : {}),
        }),
      ),
    ),
  ],
};

export function itemByCode(template: ChecklistTemplate, code: string): ChecklistItem | undefined {
  return template.items.find((i) => i.code === code);
}

export function itemsOfSection(template: ChecklistTemplate, sectionCode: string): ChecklistItem[] {
  return template.items.filter((i) => i.section === sectionCode);
}

export function sectionOf(template: ChecklistTemplate, item: Pick<ChecklistItem, 'section'>) {
  return template.sections.find((s) => s.code === item.section);
}
