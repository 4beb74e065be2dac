/** UI text of the county office. */
export const COUNTY_TEXT = {
  homeTitle: '县级管理台',
  pending: '此功能将随县级管理端版本上线，目前还没有可显示的数据。',
  dashboard: '数据看板',
  exports: '导出',
  users: '用户与设备',
  checklists: '检查表版本',
} as const;
