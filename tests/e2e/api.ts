/** Direct API calls for e2e specs: what the server holds, checked beside what the browser shows. */
import type { LoginResponse, MeResponse } from '../../src/domain/api';

export interface ApiSession {
  token: string;
  deviceId: string;
  get: <T>(path: string) => Promise<T>;
}

export async function apiLogin(baseUrl: string, username: string, password = 'demo1234'): Promise<ApiSession> {
  const deviceId = `e2e-${username}-${Math.random().toString(36).slice(2, 10)}`;
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, deviceId }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as LoginResponse;
  const get = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-device-id': deviceId } });
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  return { token, deviceId, get };
}

export async function apiMe(baseUrl: string, username: string): Promise<MeResponse> {
  return (await apiLogin(baseUrl, username)).get<MeResponse>('/api/me');
}
