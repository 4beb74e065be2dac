import { flushPromises } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { URLS } from '../../src/client/api';
import { getDeviceId } from '../../src/client/device';
import { jsonResponse, loginOf, meOf, stubFetch } from './fixtures';
import { mountApp } from './mountApp';

async function fillAndSubmit(wrapper: Awaited<ReturnType<typeof mountApp>>['wrapper'], username: string, password: string) {
  await wrapper.find('input[name="username"]').setValue(username);
  await wrapper.find('input[name="password"]').setValue(password);
  await wrapper.find('form').trigger('submit');
  await flushPromises();
}

describe('LoginView', () => {
  it('shows the app name and both fields', async () => {
    const { wrapper } = await mountApp('/login');
    expect(wrapper.text()).toContain('网格巡查');
    expect(wrapper.find('input[name="username"]').attributes('autocomplete')).toBe('username');
    expect(wrapper.find('input[name="password"]').attributes('type')).toBe('password');
    expect(wrapper.find('[data-test="login-submit"]').text()).toContain('登录');
  });

  it('posts username, password and device id, then lands on the role home', async () => {
    const fetchMock = stubFetch((url) =>
      url === URLS.login ? jsonResponse(200, loginOf('grid_worker')) : jsonResponse(200, meOf('grid_worker')),
    );
    const { wrapper, router } = await mountApp('/login');
    await fillAndSubmit(wrapper, ' grid01 ', 'pass-1234');
    // A field user's login also derives the offline verifier (PBKDF2) before leaving the page.
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/field'), { timeout: 5000 });
    await flushPromises();

    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(URLS.login);
    expect(init!.method).toBe('POST');
    expect(JSON.parse(init!.body as string)).toEqual({ username: 'grid01', password: 'pass-1234', deviceId: getDeviceId() });
    expect(router.currentRoute.value.path).toBe('/field');
    expect(wrapper.text()).toContain('东门第1网格');
  });

  it('returns to the page asked for before sign-in', async () => {
    stubFetch((url) =>
      url === URLS.login ? jsonResponse(200, loginOf('county_admin')) : jsonResponse(200, meOf('county_admin')),
    );
    const { wrapper, router } = await mountApp('/county/exports');
    expect(router.currentRoute.value.name).toBe('login');
    await fillAndSubmit(wrapper, 'admin', 'pass');
    expect(router.currentRoute.value.path).toBe('/county/exports');
  });

  it('shows the server message on a wrong password and stays on /login', async () => {
    stubFetch(() => jsonResponse(401, { error: { code: 'invalid_credentials', message: '用户名或密码错误' } }));
    const { wrapper, router } = await mountApp('/login');
    await fillAndSubmit(wrapper, 'grid01', 'wrong');
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('用户名或密码错误');
    expect(router.currentRoute.value.path).toBe('/login');
    expect(localStorage.getItem('grid-patrol.session')).toBeNull();
  });

  it('explains rate limiting', async () => {
    stubFetch(() => jsonResponse(429, { error: { code: 'rate_limited', message: '登录尝试过于频繁，请 5 分钟后再试' } }));
    const { wrapper } = await mountApp('/login');
    await fillAndSubmit(wrapper, 'grid01', 'wrong');
    const text = wrapper.find('[data-test="login-error"]').text();
    expect(text).toContain('尝试次数过多');
    expect(text).toContain('请 5 分钟后再试');
  });

  it('says a first login on this device needs the network when fetch fails', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const { wrapper } = await mountApp('/login');
    await fillAndSubmit(wrapper, 'grid01', 'pass');
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('首次在本设备登录需要联网');
  });

  it('shows a loading button while the request runs and does not submit twice', async () => {
    let release: (response: Response) => void = () => undefined;
    const fetchMock = stubFetch(() => new Promise<Response>((resolve) => (release = resolve)));
    const { wrapper } = await mountApp('/login');
    await fillAndSubmit(wrapper, 'grid01', 'pass');
    const button = wrapper.find('[data-test="login-submit"]');
    expect(button.classes()).toContain('van-button--loading');
    expect(button.text()).toContain('正在登录');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    release(jsonResponse(401, { error: { code: 'invalid_credentials', message: '用户名或密码错误' } }));
    await flushPromises();
    expect(wrapper.find('[data-test="login-submit"]').classes()).not.toContain('van-button--loading');
  });

  it('asks for missing fields without calling the server', async () => {
    const fetchMock = stubFetch(() => jsonResponse(500, {}));
    const { wrapper } = await mountApp('/login');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('请输入用户名');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
