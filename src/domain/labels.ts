/** Simplified Chinese labels of every enum value, used by the UI and by exports. */
import type {
  CaseSource,
  CaseStatus,
  ItemKind,
  LedgerAction,
  PlaceKind,
  RegionLevel,
  RiskLevel,
  Role,
  Shift,
  SubjectCategory,
  SubjectKind,
  SubjectStatus,
  TaskOrganization,
  TaskStatus,
  TaskStyle,
  ViolationCategory,
  VisitOutcome,
} from './enums';

export const ROLE_LABELS: Record<Role, string> = {
  grid_worker: '网格员',
  building_manager: '楼栋长',
  township_coordinator: '乡镇（街道）协调员',
  county_admin: '县级管理员',
};

export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = {
  county: '县',
  township: '乡镇（街道）',
  community: '社区（村）',
  grid: '网格',
};

export const PLACE_KIND_LABELS: Record<PlaceKind, string> = {
  commercial_building: '商务楼宇',
  residential_compound: '居民小区',
  residential_building: '居民楼',
  hotel: '酒店',
  cafe: '咖啡厅',
  rental_housing: '出租房屋',
  training_institution: '培训机构',
  care_center: '托管/托育机构',
  other: '其他',
};

export const RISK_LEVEL_LABELS: Record<RiskLevel, string> = { high: '高', medium: '中', low: '低' };

export const SUBJECT_KIND_LABELS: Record<SubjectKind, string> = { institution: '机构', person: '个人' };

export const SUBJECT_CATEGORY_LABELS: Record<SubjectCategory, string> = {
  transformed_institution: '已转型学科类机构',
  deregistered_institution: '已注销学科类机构',
  care_institution: '托管(托餐)/托育机构',
  non_academic_with_record: '曾被查实违规的非学科类机构',
  housekeeping_company: '家政服务企业',
  consulting_institution: '竞赛/志愿填报咨询机构',
  in_service_teacher: '中小学在职教师',
  laid_off_trainer: '培训机构裁减人员',
  individual_with_record: '曾被查实违规的个人',
  other: '其他',
};

export const SUBJECT_STATUS_LABELS: Record<SubjectStatus, string> = { listed: '在账', delisted: '已出账' };

export const LEDGER_ACTION_LABELS: Record<LedgerAction, string> = {
  list: '入账',
  update: '变更',
  delist: '出账',
  relist: '重新入账',
};

export const ITEM_KIND_LABELS: Record<ItemKind, string> = {
  yesno: '是/否',
  number: '数字',
  text: '文字',
  choice: '选项',
  time: '时间',
};

export const VIOLATION_CATEGORY_LABELS: Record<ViolationCategory, string> = {
  subject: '培训主体',
  personnel: '培训人员',
  time: '培训时间',
  location: '培训地点',
  content: '培训内容',
  method: '培训方式',
  fees: '收费',
  safety: '安全',
  advertising: '广告',
  premises_management: '房屋出租管理',
  other: '其他',
};

export const SHIFT_LABELS: Record<Shift, string> = { day: '日查', night: '夜查' };

export const TASK_STYLE_LABELS: Record<TaskStyle, string> = { open: '明查', covert: '暗访' };

export const TASK_ORGANIZATION_LABELS: Record<TaskOrganization, string> = {
  routine: '日常巡查',
  joint: '联合检查',
  spot: '抽查',
  clue_verification: '线索核查',
  follow_up: '回头看',
};

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  assigned: '待执行',
  in_progress: '执行中',
  done: '已完成',
  cancelled: '已取消',
};

export const VISIT_OUTCOME_LABELS: Record<VisitOutcome, string> = {
  no_issue: '未发现问题',
  issue_found: '发现问题',
  premises_closed: '无人/关门',
  entry_refused: '拒绝检查',
};

export const CASE_SOURCE_LABELS: Record<CaseSource, string> = {
  patrol: '网格巡查',
  building_manager: '楼栋长报告',
  citizen_report: '随手拍',
  hotline_12345: '12345热线',
  online_patrol: '网络巡查',
  transferred: '上级转办',
};

export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  pending_verification: '待核查',
  verifying: '核查中',
  unfounded: '不属实',
  filed: '立案查处',
  rectifying: '整改中',
  follow_up: '回头看',
  closed: '已办结',
};
