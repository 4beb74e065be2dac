/**
 * Every server URL the client calls, and the one `request()` that calls them.
 * Errors come back as `ApiError`: HTTP errors carry the server's code and Chinese message
 * (`{error: {code, message, details?}}`), a failed connection is code `offline` with status 0.
 */
import type { DEVICE_HEADER as DeviceHeader, LoginRequest, LoginResponse, MeResponse } from '../domain/api';
import { getDeviceId } from './device';
import { TRANSPORT_TEXT } from './text';

// Value imports from src/domain/api.ts would pull zod into the field bundle; the type pins the value.
const DEVICE_HEADER: typeof DeviceHeader = 'x-device-id';

export const URLS = {
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/me',
  config: '/api/config',
  syncPush: '/api/sync/push',
  syncPull: '/api/sync/pull',
  blob: (sha256: string) => `/api/blobs/${sha256}`,
  blobUpload: (sha256: string) => `/api/blobs/${sha256}/upload`,
} as const;

const TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The server's stable code, or `offline` / `timeout` / `bad_response` from the client. */
    readonly code: string,
    message: string,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
}

function isErrorBody(value: unknown): value is { error: { code: string; message: string; details?: unknown } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function request<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', [DEVICE_HEADER]: getDeviceId() };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const init: RequestInit = { method: options.method ?? 'GET', headers, signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new ApiError('timeout', TRANSPORT_TEXT.timeout, 0);
    }
    throw new ApiError('offline', TRANSPORT_TEXT.offline, 0);
  }

  const body = await readJson(response);
  if (!response.ok) {
    if (isErrorBody(body)) throw new ApiError(body.error.code, body.error.message, response.status, body.error.details);
    throw new ApiError('bad_response', TRANSPORT_TEXT.badResponse(response.status), response.status);
  }
  return body as T;
}

export function login(body: LoginRequest): Promise<LoginResponse> {
  return request<LoginResponse>(URLS.login, { method: 'POST', body });
}

export function logout(token: string): Promise<void> {
  return request<void>(URLS.logout, { method: 'POST', token });
}

export function fetchMe(token: string): Promise<MeResponse> {
  return request<MeResponse>(URLS.me, { token });
}
