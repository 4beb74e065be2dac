/** Users, scopes and fetch doubles shared by the component tests. */
import { vi } from 'vitest';
import type { LoginResponse, MeResponse, PublicUser, RegionRef } from '../../src/domain/api';
import type { Role } from '../../src/domain/enums';

const county: RegionRef = { id: '0190a000-0000-7000-8000-000000000001', name: '示范县', level: 'county', code: '520000' };
const township: RegionRef = { id: '0190a000-0000-7000-8000-000000000002', name: '城关镇', level: 'township', code: '520001' };
const community: RegionRef = { id: '0190a000-0000-7000-8000-000000000003', name: '东门社区', level: 'community', code: '520001001' };
const grid: RegionRef = { id: '0190a000-0000-7000-8000-000000000004', name: '东门第1网格', level: 'grid', code: '520001001001' };

const PATHS: Record<Role, RegionRef[]> = {
  grid_worker: [county, township, community, grid],
  building_manager: [county, township, community, grid],
  township_coordinator: [county, township],
  county_admin: [county],
};

const NAMES: Record<Role, string> = {
  grid_worker: '李网格',
  building_manager: '王楼长',
  township_coordinator: '张协调',
  county_admin: '赵管理',
};

export function userOf(role: Role): PublicUser {
  const path = PATHS[role];
  return {
    id: '0190a000-0000-7000-8000-0000000000a1',
    username: role === 'grid_worker' ? 'grid01' : role.replace('_', ''),
    displayName: NAMES[role],
    role,
    regionId: path[path.length - 1]!.id,
    certified: role !== 'building_manager',
  };
}

export function meOf(role: Role): MeResponse {
  const path = PATHS[role];
  return { user: userOf(role), role, region: path[path.length - 1]!, regionPath: path };
}

export function loginOf(role: Role, token = `token-${role}`): LoginResponse {
  return { token, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), user: userOf(role) };
}

/** Signs in without the network: what the session store persists after a successful login. */
export function storeSession(role: Role, withMe = false): void {
  const login = loginOf(role);
  localStorage.setItem(
    'grid-patrol.session',
    JSON.stringify({ token: login.token, expiresAt: login.expiresAt, user: login.user, me: withMe ? meOf(role) : null }),
  );
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export type FetchRoute = (url: string, init: RequestInit) => Response | Promise<Response>;

/** Stubs `fetch` at the network boundary; returns the mock to inspect calls. */
export function stubFetch(route: FetchRoute) {
  const mock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return Promise.resolve(route(url, init ?? {}));
  });
  vi.stubGlobal('fetch', mock);
  return mock;
}

export function headersOf(init: RequestInit | undefined): Record<string, string> {
  return (init?.headers ?? {}) as Record<string, string>;
}
