import { describe, expect, it } from 'vitest';
import { screenshot, useServerAndBrowser } from './harness';
import { apiMe } from './api';
import { LoginPage } from './pages/LoginPage';

describe('signing in to the demo county', () => {
  const { server, b } = useServerAndBrowser();

  it('rejects a wrong password with a clear message', async () => {
    const login = new LoginPage(b.page);
    await login.open();
    await login.signIn('grid01', 'wrong-password');
    expect(await login.errorText()).toContain('用户名或密码错误');
  });

  it('a grid worker sees their grid', async () => {
    const login = new LoginPage(b.page);
    await login.open();
    await login.signIn('grid01', 'demo1234');
    const me = await apiMe(server.url, 'grid01');
    expect(me.region.level).toBe('grid');
    await b.page.waitForURL('**/field');
    await b.page.getByText(me.region.name).first().waitFor();
    await expect(b.page.getByText('网格员').first().isVisible()).resolves.toBe(true);
    await screenshot(b.page, 'field-home-grid01');
    await b.page.getByRole('button', { name: '退出登录' }).click();
    await b.page.waitForURL('**/login');
  });

  it('the county admin sees the county', async () => {
    const login = new LoginPage(b.page);
    await login.open();
    await login.signIn('admin', 'demo1234');
    const me = await apiMe(server.url, 'admin');
    expect(me.region).toMatchObject({ level: 'county', name: '示范县' });
    await b.page.waitForURL('**/county');
    await b.page.getByText('示范县').first().waitFor();
    await screenshot(b.page, 'county-home-admin');
  });

  it('logged no console errors or warnings', () => {
    // Chromium logs the wrong password's 401 response; nothing else may appear.
    expect(b.unexpectedProblems([/status of 401 \(Unauthorized\)/])).toEqual([]);
  });
});
