/** UI text of the shared components (sync badge, sign-out, risk tag, place and task bits). */
export const COMPONENT_TEXT = {
  risk: (level: string) => `${level}风险`,
  textCount: (n: number, max: number) => `${n}/${max}`,
  textLimitReached: '已达字数上限',
  needsReauth: '登录已失效：本机数据照常可用，请在「同步状态」页重新登录以继续同步',
  syncBadge: {
    online: '在线',
    offline: '离线',
    offlineShort: '离线',
    pending: (n: number) => `${n} 条待同步`,
    allSent: '全部已同步',
    rejected: (n: number) => `${n} 条被拒绝`,
    needsAuth: '需要重新登录以同步',
  },
  signOut: {
    refusedTitle: '还有待同步的工作，暂不能退出',
    refused: (n: number, age: string | null) =>
      `本机还有 ${n} 条更改待同步${age ? `（最早一条保存于${age}前）` : ''}。现在退出，这些记录将无法及时上报。`,
    suggestion: '请连接网络后点「立即同步」；如果一时无法联网，可先「导出未同步数据」交给乡镇协调员。',
    goSync: '去同步',
    export: '导出未同步数据',
    exported: (file: string) => `已导出：${file}`,
    cancel: '暂不退出',
  },
} as const;
