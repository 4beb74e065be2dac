/**
 * Checklist answers for demo visits, valid against CHECKLIST_V1 by the rules engine: only applicable
 * items are answered, violating answers carry a note and (where the item asks) photo hashes.
 */
import type { Answer, ChecklistTemplate, Finding, Place } from '../../domain/entities';
import type { PlaceKind, Shift, VisitOutcome } from '../../domain/enums';
import { CHECKLIST_V1 } from '../../domain/checklist';
import { applicableItems, findingsFromAnswers, isViolation, selfCheckItems } from '../../domain/rules';
import { suggestions } from '../../domain/suggestions';
import type { Rng } from './generate-util';
import { iso } from './generate-util';

const TEMPLATE: ChecklistTemplate = CHECKLIST_V1;

/**
 * A fake photo reference: a deterministic lowercase SHA-256-shaped string. The demo has no blob
 * bytes behind these hashes.
 */
export function fakePhoto(rng: Rng): string {
  return rng.hex(32);
}

const VIOLATION_NOTES: Record<string, string[]> = {
  B1: ['现场无法出示办学许可证', '营业执照经营范围不含教育培训'],
  B2: ['以“教育咨询”名义招收中小学生进行数学辅导', '以“众筹私教”名义组织初中生英语课'],
  B3: ['该机构已注销，现场仍有学生上课，原班原人', '门头已摘除，内部仍按原课表授课'],
  B4: ['托管中心在晚托时段组织学生上数学课', '托管期间由老师统一讲授语文新课'],
  B5: ['家政公司宣传册推介“住家家教”服务'],
  C1: ['授课人员无法提供教师资格证'],
  C2: ['授课人员自述为本县某中学在职教师', '经辨认为附近小学在职教师'],
  D1: ['休息日开展学科类培训'],
  D2: ['晚间培训结束时间晚于20:30'],
  D3: ['现场播放录播课程并有老师答疑'],
  E1: ['在出租屋内开展“一对多”学科类培训', '在酒店房间内开展一对一辅导', '在咖啡厅包间开展小班数学课'],
  E2: ['组织学生到外县参加“封闭集训”'],
  F1: ['以“研学营”名义开展学科类培训', '以“思维训练”名义讲授奥数'],
  F2: ['美术课后加开英语辅导', '编程课中夹带数学课内容'],
  F3: ['面向学龄前儿童开展拼音、识字“幼小衔接”课程'],
  F4: ['面向普通高中学生开展物理辅导'],
  F5: ['讲授超前内容并组织排名测试'],
  F6: ['培训材料未经审核备案'],
  G1: ['通过网络会议软件开展线上学科类辅导'],
  H1: ['以“年卡”形式一次性收取一年学费', '充值卡包含120课时'],
  H2: ['一次性收费8800元'],
  H3: ['学费直接转入个人账户'],
  H4: ['收费标准、退费规定未公示'],
  I1: ['灭火器过期，未配备应急照明'],
  I2: ['安全出口被杂物堵塞'],
  I3: ['教室未安装监控'],
  I4: ['无安全管理制度和应急预案'],
  I5: ['外挂广告牌松动'],
  J1: ['楼道张贴“小升初辅导”招生广告', '电梯内张贴暑期补课宣传单'],
  J2: ['单元门口张贴“一对一家教”招生信息'],
  K1: ['房屋出租给无资质个人开展培训'],
  K2: ['每晚7点左右有学生背书包集中进出'],
  K3: ['未向租户告知'],
};

/** Extra violations that fit the kind of place where lessons were found. */
const SCENARIOS: Record<PlaceKind, string[][]> = {
  commercial_building: [['B2'], ['B2', 'H2'], ['B1', 'C1']],
  residential_compound: [['E1', 'J1'], ['E1']],
  residential_building: [['E1'], ['E1', 'C2'], ['E1', 'H1'], ['E1', 'J2']],
  hotel: [['E1'], ['E1', 'C2']],
  cafe: [['E1'], ['E1', 'H1']],
  rental_housing: [['E1', 'K1'], ['E1', 'C2'], ['E1', 'B2']],
  training_institution: [['F2'], ['F5', 'H4'], ['B3'], ['F1', 'H1'], ['F3']],
  care_center: [['B4'], ['B4', 'F3'], ['B4', 'I2']],
  other: [['F1'], ['E1', 'J2']],
};
/** Violations seen without lessons in progress (A1 = 否). */
const NO_LESSON_SCENARIOS: Record<PlaceKind, string[][]> = {
  commercial_building: [['J1'], ['J2']],
  residential_compound: [['J1'], ['K2']],
  residential_building: [['J2'], ['K2'], ['J1', 'K2']],
  hotel: [['J2']],
  cafe: [['J1']],
  rental_housing: [['K1'], ['K2'], ['K3']],
  training_institution: [['H4'], ['I1'], ['F6', 'H3'], ['J1']],
  care_center: [['I2'], ['I1', 'I3'], ['J1']],
  other: [['J1']],
};

const ACADEMIC = ['数学', '英语', '语文', '物理', '化学'];

export interface VisitContent {
  answers: Answer[];
  findings: Finding[];
  note: string | null;
}

function answerFor(rng: Rng, code: string, value: Answer['value'], suggested = false): Answer {
  const item = TEMPLATE.items.find((i) => i.code === code);
  if (!item) throw new Error(`unknown checklist item ${code}`);
  const a: Answer = { itemCode: code, value, note: null, evidence: [] };
  if (isViolation(item, value)) {
    a.note = rng.pick(VIOLATION_NOTES[code] ?? ['现场发现问题']);
    const photos = item.evidenceOnViolation ? rng.int(1, 3) : rng.int(0, 1);
    for (let i = 0; i < photos; i++) a.evidence.push(fakePhoto(rng));
  }
  if (suggested) a.suggested = true;
  return a;
}

function fillRest(rng: Rng, kind: PlaceKind, shift: Shift, answers: Answer[]): Answer[] {
  const done = new Set(answers.map((a) => a.itemCode));
  for (const item of applicableItems(TEMPLATE, { placeKind: kind, shift, answers })) {
    if (done.has(item.code) || item.kind !== 'yesno' || item.violationWhen === undefined) continue;
    answers.push(answerFor(rng, item.code, item.violationWhen !== true));
  }
  const order = new Map(TEMPLATE.items.map((i, n) => [i.code, n]));
  return answers.sort((a, b) => order.get(a.itemCode)! - order.get(b.itemCode)!);
}

/** Answers, findings and note of an inspector's visit with the given outcome. */
export function visitContent(rng: Rng, place: Place, shift: Shift, outcome: VisitOutcome, endedMs: number): VisitContent {
  const kind = place.kind;
  if (outcome === 'premises_closed')
    return {
      answers: [],
      findings: [],
      note: rng.pick(['大门紧闭，敲门无人应答，已留联系卡', '场所已停业，门口张贴转让告示', '无人在场，计划择日复查']),
    };
  if (outcome === 'entry_refused')
    return {
      answers: [],
      findings: [{ category: 'other', description: '当事人拒绝配合检查，拒不开门', evidence: [fakePhoto(rng)] }],
      note: '经出示证件说明来意后仍拒绝检查，已记录并上报',
    };
  if (outcome === 'no_issue') {
    const answers = fillRest(rng, kind, shift, [answerFor(rng, 'A1', false)]);
    return { answers, findings: [], note: rng.chance(0.3) ? rng.pick(['未发现异常', '已向负责人宣传“双减”政策', '张贴举报电话']) : null };
  }
  // issue_found
  let answers: Answer[];
  if (rng.chance(0.7)) {
    const scenario = rng.pick(SCENARIOS[kind]);
    const subject = scenario.includes('F2') ? rng.pick(['数学', '英语']) : rng.chance(0.9) ? rng.pick(ACADEMIC) : '非学科';
    const stage = scenario.includes('F3') ? '学龄前3-6岁' : scenario.includes('F4') ? '普通高中' : rng.pick(['小学', '初中', '小学']);
    const end = shift === 'night' ? rng.pick(['20:15', '20:50', '21:10', '21:30']) : rng.pick(['11:30', '16:30', '17:10']);
    answers = [
      answerFor(rng, 'A1', true),
      answerFor(rng, 'A2', rng.int(2, 12)),
      answerFor(rng, 'A3', subject),
      answerFor(rng, 'A4', stage),
      answerFor(rng, 'A5', end),
    ];
    // Confirmed suggestions of the app (rest day / after 20:30).
    for (const s of suggestions({ answers, at: iso(endedMs) })) answers.push(answerFor(rng, s.itemCode, s.value, true));
    const codes = new Set(answers.map((a) => a.itemCode));
    for (const code of scenario) {
      if (codes.has(code)) continue;
      const item = TEMPLATE.items.find((i) => i.code === code)!;
      answers.push(answerFor(rng, code, item.violationWhen!));
      codes.add(code);
    }
  } else {
    const scenario = rng.pick(NO_LESSON_SCENARIOS[kind]);
    answers = [answerFor(rng, 'A1', false)];
    for (const code of scenario) {
      const item = TEMPLATE.items.find((i) => i.code === code)!;
      answers.push(answerFor(rng, code, item.violationWhen!));
    }
  }
  answers = fillRest(rng, kind, shift, answers);
  return {
    answers,
    findings: findingsFromAnswers(TEMPLATE, answers),
    note: rng.pick(['已固定证据，现场制作检查笔录', '已告知当事人停止违规行为', '已拍照取证并上报协调员']),
  };
}

/** A building manager's self-check (section K only). */
export function selfCheckContent(rng: Rng, issue: boolean): VisitContent {
  const items = selfCheckItems(TEMPLATE);
  const violate = issue ? rng.pick([['K2'], ['K1', 'K2'], ['K2', 'K3']]) : [];
  const answers = items.map((item) =>
    answerFor(rng, item.code, violate.includes(item.code) ? item.violationWhen! : item.violationWhen !== true),
  );
  return {
    answers,
    findings: findingsFromAnswers(TEMPLATE, answers),
    note: issue ? '发现疑似培训迹象，已上报社区' : null,
  };
}
