/** UI text of the app-update prompt. */
export const PWA_TEXT = {
  newVersion: '有新版本',
  hint: '更新后应用会重新加载',
  update: '立即更新',
  later: '稍后',
  held: '完成当前检查后再更新',
  updating: '正在更新…',
} as const;
