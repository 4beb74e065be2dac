import { describe, expect, it } from 'vitest';
import { ApiError, URLS, fetchMe, request } from '../../src/client/api';
import { getDeviceId, isValidDeviceId } from '../../src/client/device';
import { headersOf, jsonResponse, meOf, stubFetch } from './fixtures';

describe('device id', () => {
  it('is generated once, matches the server rule and survives reloads', () => {
    const first = getDeviceId();
    expect(isValidDeviceId(first)).toBe(true);
    expect(first).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(getDeviceId()).toBe(first);
  });

  it('replaces a corrupted stored value', () => {
    localStorage.setItem('grid-patrol.deviceId', 'bad id!');
    expect(isValidDeviceId(getDeviceId())).toBe(true);
  });
});

describe('request', () => {
  it('sends the bearer token and the device id', async () => {
    const fetchMock = stubFetch(() => jsonResponse(200, meOf('grid_worker')));
    const me = await fetchMe('tok-1');
    expect(me.region.name).toBe('东门第1网格');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(URLS.me);
    expect(headersOf(init)).toMatchObject({ authorization: 'Bearer tok-1', 'x-device-id': getDeviceId() });
  });

  it('turns an error body into an ApiError with the server code, message and status', async () => {
    stubFetch(() => jsonResponse(403, { error: { code: 'forbidden', message: '无权访问', details: { x: 1 } } }));
    const error = await request(URLS.me).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'forbidden', message: '无权访问', status: 403, details: { x: 1 } });
  });

  it('reports a failed connection as offline, not as an HTTP error', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await request(URLS.me).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'offline', status: 0, isNetwork: true });
    expect((error as ApiError).message).toContain('网络不可用');
  });

  it('reports a non-JSON error page with its status', async () => {
    stubFetch(() => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const error = await request(URLS.me).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad_response', status: 502, isNetwork: false });
  });
});
