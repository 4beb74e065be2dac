/** UI text of the shell (header, theme, placeholders, transport errors). Features keep their own `text.ts`. */
export const APP_NAME = '网格巡查';

export const SHELL_TEXT = {
  appName: APP_NAME,
  signOut: '退出登录',
  signingOut: '正在退出…',
  /** The theme button's visible word: the current mode. */
  themeShort: { auto: '自动', light: '日间', dark: '夜间' },
  /** What the theme button says it does: the current mode and the one a tap sets. */
  themeAction: (current: string, next: string) => `主题：${current}，点按切换为${next}`,
  themeHint: '自动：手机设为深色模式时，或 18:00–06:00（北京时间），使用夜间主题',
  greeting: (name: string) => `${name}，您好`,
  role: '角色',
  region: '辖区',
  regionPath: '层级',
  loadingScope: '正在加载辖区信息…',
  scopeOffline: '网络不可用，显示的是上次联网时的辖区信息',
  scopeFailed: '辖区信息加载失败',
  retry: '重试',
  back: '返回',
  pendingTitle: '功能即将上线',
} as const;

export const TRANSPORT_TEXT = {
  offline: '网络不可用，请检查网络后重试',
  timeout: '网络超时，请稍后重试',
  badResponse: (status: number) => `服务器异常（${status}），请稍后重试`,
} as const;
