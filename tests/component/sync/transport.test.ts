import { describe, expect, it, vi } from 'vitest';
import {
  ClientRequestError,
  createHttpTransport,
  MutationGapError,
  NetworkError,
  ServerError,
  UnauthorizedError,
} from '../../../src/client/sync/transport';

const CLIENT = '0190a000-0000-7000-8000-0000000000c1';
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function transportWith(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => Promise.resolve(respond(input instanceof Request ? input.url : input.toString(), init ?? {})));
  const transport = createHttpTransport('https://patrol.example/', () => ({ token: 'tok', deviceId: 'device-0001' }), fetchMock);
  return { transport, fetchMock };
}

const pushBody = { clientId: CLIENT, mutations: [{ seq: 1, name: 'task.start@1', args: {}, at: '2025-05-12T08:00:00Z' }] };

describe('createHttpTransport', () => {
  it('posts push and pull with the bearer token and device id', async () => {
    const { transport, fetchMock } = transportWith(() => json(200, { lastMutationId: 1, results: [{ seq: 1, status: 'applied' }] }));
    await expect(transport.push(pushBody)).resolves.toEqual({ lastMutationId: 1, results: [{ seq: 1, status: 'applied' }] });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('https://patrol.example/api/sync/push');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({ authorization: 'Bearer tok', 'x-device-id': 'device-0001', 'content-type': 'application/json' });
    expect(JSON.parse(init?.body as string)).toEqual(pushBody);
  });

  it('puts blobs with their content type', async () => {
    const { transport, fetchMock } = transportWith(() => new Response(null, { status: 204 }));
    await transport.putBlob('ab'.repeat(32), new Blob(['x']), 'image/jpeg');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(`https://patrol.example/api/blobs/${'ab'.repeat(32)}`);
    expect(init).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/jpeg' } });
  });

  it('types each failure', async () => {
    const cases: [Response | Error, unknown][] = [
      [new TypeError('Failed to fetch'), NetworkError],
      [json(401, { error: { code: 'session_expired', message: '登录已过期' } }), UnauthorizedError],
      [json(409, { error: { code: 'mutation_gap', message: '序号不连续', details: { expected: 7 } } }), MutationGapError],
      [json(409, { error: { code: 'conflict', message: '冲突' } }), ClientRequestError],
      [json(400, { error: { code: 'validation_failed', message: '不符合要求' } }), ClientRequestError],
      [json(503, { error: { code: 'unavailable', message: '暂不可用' } }), ServerError],
      [new Response('<html>bad gateway</html>', { status: 502 }), ServerError],
    ];
    for (const [answer, type] of cases) {
      const { transport } = transportWith(() => {
        if (answer instanceof Error) throw answer;
        return answer;
      });
      const error: unknown = await transport.push(pushBody).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      if (error instanceof MutationGapError) expect(error.expected).toBe(7);
    }
  });
});
