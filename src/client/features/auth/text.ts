/** UI text of sign-in. */
export const AUTH_TEXT = {
  tagline: '校外培训隐形变异问题网格巡查',
  username: '用户名',
  usernamePlaceholder: '请输入用户名',
  password: '密码',
  passwordPlaceholder: '请输入密码',
  submit: '登录',
  submitting: '正在登录…',
  usernameRequired: '请输入用户名',
  passwordRequired: '请输入密码',
  showPassword: '显示密码',
  hidePassword: '隐藏密码',
  firstLoginHint: '首次在本设备登录需要联网',
  offlineTitle: '网络不可用',
  rateLimitedTitle: '尝试次数过多',
  failedTitle: '登录失败',
  unexpected: '登录时出现意外错误，请重试',
} as const;
