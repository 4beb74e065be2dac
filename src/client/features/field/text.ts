/** UI text of the field app (grid workers and building managers). */
export const FIELD_TEXT = {
  homeTitle: '外勤工作台',
  pending: '此功能将随外勤应用版本上线，目前还没有可显示的数据。',
  gridWorker: {
    tasks: '今日任务',
    map: '路线地图',
    ledger: '重点对象台账',
    sync: '同步状态',
  },
  buildingManager: {
    places: '我的场所',
    selfCheck: '楼栋自查',
    report: '报告可疑线索',
    reports: '我的报告',
  },
} as const;
