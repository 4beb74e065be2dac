/** UI text of the township coordinator's console. */
export const CONSOLE_TEXT = {
  homeTitle: '乡镇工作台',
  pending: '此功能将随乡镇管理端版本上线，目前还没有可显示的数据。',
  places: '网格与场所',
  tasks: '任务与路线',
  cases: '线索与案件',
  reviews: '检查记录审阅',
} as const;
