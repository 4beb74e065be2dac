/** Word pools for realistic (fictional) Chinese names and addresses of the demo county. */
import type { PlaceKind, SubjectCategory } from '../../domain/enums';
import type { Rng } from './generate-util';

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '罗',
  '高', '林', '郑', '梁', '谢', '宋', '唐', '韩', '冯', '邓', '曹', '彭', '曾', '田', '袁', '蒋', '蔡', '余',
  '杜', '潘', '龙', '敖', '母', '犹',
];
const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英',
  '霞', '平', '刚', '桂英', '建华', '志强', '晓燕', '红梅', '海燕', '丹', '婷', '文', '思远', '子涵', '雨欣',
  '浩然', '欣怡', '俊杰', '雪梅', '国庆', '德华', '春燕', '小红', '玉兰', '永刚', '昌平', '佳怡', '宇航',
];

export function personName(rng: Rng): string {
  const given = rng.pick(GIVEN);
  const extra = given.length === 1 && rng.chance(0.4) ? rng.pick(['华', '林', '英', '兵', '琴', '亮']) : '';
  return rng.pick(SURNAMES) + given + extra;
}

/** A mainland mobile number (13x–19x). */
export function mobile(rng: Rng): string {
  const prefix = rng.pick(['130', '133', '135', '136', '138', '139', '150', '151', '152', '157', '158', '159', '177', '180', '182', '185', '187', '188', '189', '199']);
  return prefix + rng.digits(8);
}

export const STREETS: string[][] = [
  ['凤凰路', '中华路', '人民路', '文化路', '东门街', '解放路', '北京路', '老城街'],
  ['南关路', '龙井路', '新华路', '上海路', '延安路', '昆明路', '大连路', '珠海路'],
  ['石桥路', '桃园路', '青松路', '迎宾大道', '工业园路', '南环路', '滨河路', '深圳路'],
];

const ESTATE_WORDS = [
  '阳光', '锦绣', '金桂', '翠湖', '碧水', '华府', '凤凰', '龙井', '桃源', '幸福', '和谐', '紫荆', '名都',
  '世纪', '香榭', '御景', '书香', '康乐', '南山', '滨江', '天誉', '绿洲', '盛世', '馨苑', '东方',
];
const ESTATE_SUFFIX = ['花园', '小区', '家园', '新城', '雅居', '苑', '公馆', '名居'];
const OFFICE_WORDS = ['汇金', '国贸', '金鼎', '时代', '华联', '中天', '新世纪', '财富', '万象', '鑫源', '天安', '恒丰', '海尔'];
const OFFICE_SUFFIX = ['商务大厦', '大厦', '国际广场', '写字楼', '金融中心', '商务中心'];
const HOTEL_WORDS = ['锦江', '凤凰', '黔北', '如意', '悦来', '桂花', '龙腾', '金都', '天骄', '迎宾', '华美', '城市便捷'];
const HOTEL_SUFFIX = ['酒店', '宾馆', '快捷酒店', '商务酒店', '精品酒店', '民宿'];
const CAFE_WORDS = ['转角', '漫时光', '星语', '慢半拍', '拾光', '遇见', '米兰', '半岛', '小确幸', '森林', '猫的天空', '一隅'];
const CAFE_SUFFIX = ['咖啡', '咖啡馆', '书咖', '茶咖', '咖啡工坊'];
const SCHOOL_WORDS = ['育才', '启航', '博雅', '明德', '卓越', '励志', '英才', '书山', '智慧树', '小天才', '新起点', '远航', '弘毅'];
const SCHOOL_SUFFIX = ['培训学校', '艺术培训中心', '体育培训中心', '美术培训中心', '编程培训中心', '书法培训学校', '舞蹈培训中心'];
const CARE_WORDS = ['小太阳', '快乐童年', '向日葵', '七彩', '小书包', '阳光宝贝', '童心', '小橘灯', '爱心'];
const CARE_SUFFIX = ['托管中心', '午托部', '托育园', '晚托班', '课后托管中心'];
const OTHER_NAMES = ['自习室', '共享书房', '文化书店', '棋牌室', '社区活动中心', '青少年活动室', '研学基地', '桌游馆'];
const OTHER_WORDS = ['静心', '青柠', '知行', '书香', '启明', '乐学', '晨光'];

const UNIT = ['一', '二', '三', '四', '五', '六'];

export interface PlaceNaming {
  name: string;
  address: string;
}

/**
 * Name and address of a place. `estates` collects names of compounds so that residential
 * buildings and rentals can be numbered buildings of them ("阳光花园3栋").
 */
export function placeNaming(
  rng: Rng,
  kind: PlaceKind,
  streets: readonly string[],
  estates: { name: string; address: string }[],
): PlaceNaming {
  const street = rng.pick(streets);
  const addr = `${street}${rng.int(1, 260)}号`;
  const newEstate = () => {
    const e = { name: rng.pick(ESTATE_WORDS) + rng.pick(ESTATE_SUFFIX), address: addr };
    estates.push(e);
    return e;
  };
  const estate = () => (estates.length > 0 && rng.chance(0.7) ? rng.pick(estates) : newEstate());
  switch (kind) {
    case 'commercial_building':
      return { name: rng.pick(OFFICE_WORDS) + rng.pick(OFFICE_SUFFIX), address: addr };
    case 'residential_compound': {
      const e = newEstate();
      return { name: e.name, address: e.address };
    }
    case 'residential_building': {
      const e = estate();
      const b = rng.int(1, 18);
      return { name: `${e.name}${b}栋`, address: `${e.address}${e.name}${b}栋` };
    }
    case 'hotel':
      return { name: rng.pick(HOTEL_WORDS) + rng.pick(HOTEL_SUFFIX), address: addr };
    case 'cafe':
      return { name: rng.pick(CAFE_WORDS) + rng.pick(CAFE_SUFFIX), address: `${addr}${rng.int(1, 2)}楼` };
    case 'rental_housing': {
      const e = estate();
      const flat = `${rng.int(1, 18)}栋${rng.pick(UNIT)}单元${rng.int(1, 26)}${String(rng.int(1, 4)).padStart(2, '0')}室`;
      return { name: `${e.name}${flat}（出租）`, address: `${e.address}${e.name}${flat}` };
    }
    case 'training_institution':
      return { name: rng.pick(SCHOOL_WORDS) + rng.pick(SCHOOL_SUFFIX), address: `${addr}${rng.int(2, 5)}楼` };
    case 'care_center':
      return { name: rng.pick(CARE_WORDS) + rng.pick(CARE_SUFFIX), address: `${addr}${rng.int(1, 3)}楼` };
    case 'other':
      return { name: rng.pick(OTHER_WORDS) + rng.pick(OTHER_NAMES), address: addr };
  }
}

export const PLACE_TAGS: Record<PlaceKind, string[]> = {
  commercial_building: ['写字楼', '临街', '多租户', '有教育咨询公司', '电梯广告'],
  residential_compound: ['学校周边', '物业管理', '有出租', '曾有投诉', '楼道广告'],
  residential_building: ['学校周边', '有出租', '学生聚集', '曾有投诉', '无物业'],
  hotel: ['夜间营业', '钟点房', '学校周边', '会议室出租'],
  cafe: ['夜间营业', '包间', '学生聚集', '临街'],
  rental_housing: ['群租', '短租', '学生聚集', '曾有投诉', '地下室'],
  training_institution: ['已备案', '非学科类', '曾被查处', '临街', '夜间营业'],
  care_center: ['托管', '托餐', '学校周边', '已备案'],
  other: ['夜间营业', '学生聚集', '会员制'],
};

const INSTITUTION_NAMING: Record<string, [string[], string[]]> = {
  transformed_institution: [SCHOOL_WORDS, ['素质教育科技有限公司', '文化艺术培训有限公司', '研学旅行服务有限公司']],
  deregistered_institution: [SCHOOL_WORDS, ['教育培训学校（已注销）', '教育咨询有限公司（已注销）', '辅导中心（已注销）']],
  care_institution: [CARE_WORDS, ['托管服务中心', '托育服务有限公司', '午托服务部']],
  non_academic_with_record: [SCHOOL_WORDS, ['美术培训中心', '体育培训有限公司', '编程科技有限公司', '舞蹈艺术中心']],
  housekeeping_company: [['好帮手', '安心', '金牌', '贴心', '佳美', '优家'], ['家政服务有限公司', '家庭服务有限公司', '保洁服务中心']],
  consulting_institution: [['志远', '名校', '金榜', '领航', '睿思', '升学'], ['教育咨询有限公司', '志愿填报咨询中心', '竞赛辅导咨询有限公司']],
  other: [['青苗', '晨曦', '知新', '乐思'], ['文化传播有限公司', '自习室', '研学营地']],
};

export function institutionName(rng: Rng, category: SubjectCategory): string {
  const [words, suffixes] = INSTITUTION_NAMING[category] ?? INSTITUTION_NAMING.other!;
  return `示范县${rng.pick(words)}${rng.pick(suffixes)}`;
}

export const LISTED_REASONS: Record<SubjectCategory, string[]> = {
  transformed_institution: ['原学科类机构转型为非学科类，需持续关注是否“明转暗不转”', '原学科类机构已转型，纳入重点监管'],
  deregistered_institution: ['原学科类机构已注销，防范“假注销、真营运”', '注销后仍有家长反映其继续招生'],
  care_institution: ['托管机构，防范超范围开展学科类培训', '托餐托管机构，学校周边重点场所'],
  non_academic_with_record: ['曾被查实夹带学科类内容，已责令整改', '曾违规开展学科类培训被处罚'],
  housekeeping_company: ['家政企业，防范以“住家教师”“高端家政”名义开展培训', '网络平台发布“家教”服务信息'],
  consulting_institution: ['竞赛、志愿填报咨询机构，防范以咨询名义开展学科类培训'],
  in_service_teacher: ['群众反映该教师疑似有偿补课', '学校排查发现有参与有偿补课迹象'],
  laid_off_trainer: ['原学科类培训机构裁减人员，防范转入地下开展培训', '原培训机构教师，现居住辖区内'],
  individual_with_record: ['曾被查实在居民楼开展“一对多”学科类培训', '曾被查实以“众筹私教”名义组织培训'],
  other: ['群众举报线索涉及，纳入台账跟踪', '网络巡查发现相关招生信息'],
};

export const DELISTED_REASONS = [
  '机构已依法注销并经核查确认停止营运，连续12个月无违规',
  '当事人已迁出本县',
  '经核查连续两次回头看未发现违规，予以出账',
  '教师已退休且书面承诺不参与有偿补课',
];

export const DEPARTMENTS = ['市场监管局', '公安派出所', '消防救援大队', '综合行政执法局', '民政局', '住建局', '文化旅游局'];
