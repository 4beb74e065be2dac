import { flushPromises } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { URLS } from '../../src/client/api';
import type { Role } from '../../src/domain/enums';
import { jsonResponse, meOf, storeSession, stubFetch } from './fixtures';
import { mountApp } from './mountApp';

describe.each([
  ['grid_worker', '/field', '李网格', '网格员', '东门第1网格', ['今日任务', '路线地图', '重点对象台账', '同步状态']],
  ['building_manager', '/field', '王楼长', '楼栋长', '东门第1网格', ['我的场所', '楼栋自查', '报告可疑线索', '我的报告']],
  ['township_coordinator', '/console', '张协调', '乡镇（街道）协调员', '城关镇', ['网格与场所', '任务与路线', '线索与案件', '检查记录审阅']],
  ['county_admin', '/county', '赵管理', '县级管理员', '示范县', ['数据看板', '导出', '用户与设备', '检查表版本']],
] as [Role, string, string, string, string, string[]][])('%s home', (role, home, name, roleLabel, regionName, tiles) => {
  it('shows the user, role and scope region from /api/me, and the feature tiles', async () => {
    storeSession(role);
    const fetchMock = stubFetch(() => jsonResponse(200, meOf(role)));
    const { wrapper, router } = await mountApp('/');

    expect(router.currentRoute.value.path).toBe(home);
    expect(fetchMock.mock.calls[0]![0]).toBe(URLS.me);
    expect(wrapper.find('[data-test="display-name"]').text()).toContain(name);
    expect(wrapper.find('[data-test="role"]').text()).toBe(roleLabel);
    expect(wrapper.find('[data-test="region"]').text()).toContain(regionName);
    // The level's label keeps its own brackets, and gets none around it: 城关镇 乡镇（街道）, not 城关镇（乡镇（街道））.
    expect(wrapper.find('[data-test="region"]').text()).not.toMatch(/（[^）]*（/);
    const tileText = wrapper.findAll('[data-test^="tile-"]').map((t) => t.text());
    expect(tileText).toEqual(tiles);
  });
});

describe('role homes', () => {
  it('never offer tasks or the ledger to a building manager', async () => {
    storeSession('building_manager');
    stubFetch(() => jsonResponse(200, meOf('building_manager')));
    const { wrapper } = await mountApp('/field');
    expect(wrapper.text()).not.toContain('今日任务');
    expect(wrapper.text()).not.toContain('重点对象台账');
  });

  it('show the breadcrumb from the county down to the grid', async () => {
    storeSession('grid_worker');
    stubFetch(() => jsonResponse(200, meOf('grid_worker')));
    const { wrapper } = await mountApp('/field');
    const crumbs = wrapper.findAll('[data-test="region-path"] li').map((li) => li.text());
    expect(crumbs).toEqual(['示范县', '城关镇', '东门社区', '东门第1网格']);
  });

  it('keep showing the last known scope offline, with a notice', async () => {
    storeSession('grid_worker', true);
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const { wrapper } = await mountApp('/field');
    expect(wrapper.find('[data-test="region"]').text()).toContain('东门第1网格');
    expect(wrapper.find('[data-test="scope-notice"]').text()).toContain('网络不可用');
  });

  it('go back to sign-in when the server no longer knows the session', async () => {
    storeSession('county_admin');
    stubFetch(() => jsonResponse(401, { error: { code: 'unauthenticated', message: '登录已过期，请重新登录' } }));
    const { router } = await mountApp('/county');
    expect(router.currentRoute.value.path).toBe('/login');
  });

  it('open the task list from the tasks tile', async () => {
    storeSession('grid_worker');
    stubFetch(() => jsonResponse(200, meOf('grid_worker')));
    const { wrapper, router } = await mountApp('/field');
    await wrapper.find('[data-test="tile-tasks"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('h1').text()).toBe('今日任务'));
    expect(router.currentRoute.value.path).toBe('/field/tasks');
  });

  it('sign out and return to the login screen', async () => {
    storeSession('township_coordinator');
    const fetchMock = stubFetch((url) => (url === URLS.me ? jsonResponse(200, meOf('township_coordinator')) : new Response(null, { status: 204 })));
    const { wrapper, router } = await mountApp('/console');
    await wrapper.find('[data-test="sign-out"]').trigger('click');
    await flushPromises();
    expect(fetchMock.mock.calls.map((c) => c[0])).toContain(URLS.logout);
    expect(router.currentRoute.value.path).toBe('/login');
    expect(localStorage.getItem('grid-patrol.session')).toBeNull();
  });

  it('switch to the dark theme on request and remember it', async () => {
    storeSession('grid_worker');
    stubFetch(() => jsonResponse(200, meOf('grid_worker')));
    const { wrapper } = await mountApp('/field');
    const toggle = wrapper.find('[data-test="theme-toggle"]');
    // The button says what it is and what a tap does, in words, not only by its icon.
    expect(toggle.text()).toBe('自动');
    expect(toggle.attributes('aria-label')).toBe('主题：自动，点按切换为日间');
    expect(toggle.attributes('title')).toContain('主题：自动，点按切换为日间');
    await toggle.trigger('click'); // auto → light
    expect(document.documentElement.classList.contains('theme-dark')).toBe(false);
    expect(toggle.text()).toBe('日间');
    await toggle.trigger('click'); // light → dark
    expect(document.documentElement.classList.contains('theme-dark')).toBe(true);
    expect(toggle.text()).toBe('夜间');
    expect(toggle.attributes('aria-label')).toBe('主题：夜间，点按切换为自动');
    expect(localStorage.getItem('grid-patrol.theme')).toBe('dark');
  });
});
