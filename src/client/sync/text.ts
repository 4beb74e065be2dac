/** UI text of the sync status: what went wrong and what the grid worker can do about it. */
import { localDateTime } from '../../domain/calendar';

export const SYNC_TEXT = {
  offline: '离线：更改已保存在本机，联网后自动同步',
  syncing: '正在同步…',
  pending: (n: number) => `${n} 条更改待同步`,
  allSynced: '全部已同步',
  rejected: (n: number) => `有 ${n} 条更改被服务器拒绝`,
  counting: '正在统计待同步的更改…',
  needsAuth: '登录已过期，请重新登录后继续同步（待同步的更改仍保存在本机）',
  storageWarning: (percent: number) => `本机存储已使用 ${percent}%，请尽快同步或清理手机空间`,
  persistDenied: '浏览器未允许永久保存本机数据，请尽快同步，必要时导出未同步数据',
  persistGranted: '本机数据已设为永久保存',
  /** Named by the Beijing date of the export (an ISO instant's own date is UTC's, a day behind before 08:00). */
  exportFileName: (userId: string, at: string) => `网格巡查-未同步数据-${userId.slice(-8)}-${localDateTime(at).date}.json`,
  gapUnrecoverable: '服务器缺少本机早前的更改，请导出未同步数据并联系管理员',
} as const;

interface Advice {
  reason: string;
  whatToDo: string;
}

/** Reasons by the server's rejection code (src/server/errors.ts catalogue), with a fallback. */
const REJECTION_ADVICE: Record<string, Advice> = {
  forbidden: { reason: '没有权限执行此操作', whatToDo: '该记录可能已不在您的辖区，请联系乡镇协调员处理。' },
  validation_failed: { reason: '提交的数据不符合要求', whatToDo: '请核对记录内容后重新填写提交。' },
  illegal_transition: { reason: '案件状态已被他人更改', whatToDo: '请刷新案件，按当前状态重新操作。' },
  conflict: { reason: '数据已被他人修改', whatToDo: '请查看最新数据，确认后重新修改。' },
  not_found: { reason: '记录在服务器上不存在', whatToDo: '该记录可能已被删除或移出辖区，请联系乡镇协调员。' },
  task_reassigned: { reason: '任务已改派他人', whatToDo: '检查记录已保留，请告知乡镇协调员。' },
};

const FALLBACK: Advice = { reason: '服务器拒绝了该更改', whatToDo: '原始内容仍保存在本机，可导出后交乡镇协调员处理。' };

export function rejectionAdvice(code: string, serverReason: string): Advice {
  const known = REJECTION_ADVICE[code] ?? FALLBACK;
  return { reason: serverReason.trim() || known.reason, whatToDo: known.whatToDo };
}

/** What each kind of mutation is, in words the worker recognises. */
export const MUTATION_LABELS: Record<string, string> = {
  'visit.submit': '检查记录',
  'visit.amend': '检查记录更正',
  'task.start': '开始任务',
  'task.complete': '完成任务',
  'subject.create': '重点对象入账',
  'subject.update': '重点对象修改',
  'subject.delist': '重点对象出账',
  'subject.relist': '重点对象重新入账',
  'place.update': '场所信息修改',
  'case.open': '上报问题线索',
  'case.transition': '案件办理',
};

export function mutationLabel(name: string): string {
  return MUTATION_LABELS[name.replace(/@\d+$/, '')] ?? name;
}
