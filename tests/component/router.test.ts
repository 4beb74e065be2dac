import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import type { Role } from '../../src/domain/enums';
import { createAppRouter } from '../../src/client/router';
import { storeSession } from './fixtures';

async function land(path: string) {
  setActivePinia(createPinia());
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  return router.currentRoute.value;
}

describe('router guard', () => {
  beforeEach(() => localStorage.clear());

  it('sends a visitor without a session to /login, remembering where they wanted to go', async () => {
    expect((await land('/')).fullPath).toBe('/login');
    const route = await land('/console/cases');
    expect(route.name).toBe('login');
    expect(route.query.redirect).toBe('/console/cases');
  });

  const homes: [Role, string][] = [
    ['grid_worker', '/field'],
    ['building_manager', '/field'],
    ['township_coordinator', '/console'],
    ['county_admin', '/county'],
  ];

  it.each(homes)('routes %s to %s from / and from /login', async (role, home) => {
    storeSession(role);
    expect((await land('/')).path).toBe(home);
    expect((await land('/login')).path).toBe(home);
    expect((await land('/no/such/page')).path).toBe(home);
  });

  it.each([
    ['grid_worker', '/county/exports', '/field'],
    ['grid_worker', '/console', '/field'],
    ['grid_worker', '/field/report', '/field'],
    ['building_manager', '/field/tasks', '/field'],
    ['building_manager', '/field/ledger', '/field'],
    ['township_coordinator', '/field', '/console'],
    ['township_coordinator', '/county', '/console'],
    ['county_admin', '/field/map', '/county'],
    ['county_admin', '/console/tasks', '/county'],
  ] as [Role, string, string][])('sends %s from %s back to %s', async (role, path, home) => {
    storeSession(role);
    expect((await land(path)).path).toBe(home);
  });

  it.each([
    ['grid_worker', '/field/tasks'],
    ['building_manager', '/field/self-check'],
    ['township_coordinator', '/console/reviews'],
    ['county_admin', '/county/dashboard'],
  ] as [Role, string][])('lets %s open %s', async (role, path) => {
    storeSession(role);
    expect((await land(path)).path).toBe(path);
  });
});
