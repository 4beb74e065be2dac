import { describe, expect, it, vi } from 'vitest';
import { BLOB_CHUNK_BYTES } from '../../../src/domain/transfer';
import {
  ClientRequestError,
  createHttpTransport,
  MutationGapError,
  NetworkError,
  ServerError,
  UnauthorizedError,
  UploadOffsetError,
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

  const bigPush = () => ({
    clientId: CLIENT,
    mutations: Array.from({ length: 60 }, (_, i) => ({ seq: i + 1, name: 'task.complete@1', args: { note: `第${i}处已检查，未发现问题` }, at: '2025-05-12T08:00:00Z' })),
  });
  const inflated = async (body: unknown) => new Response((body as Blob).stream().pipeThrough(new DecompressionStream('gzip'))).text();

  it('sends a large push gzip-compressed and a small one as it is', async () => {
    const { transport, fetchMock } = transportWith(() => json(200, { lastMutationId: 20, results: [] }));
    const body = bigPush();
    await transport.push(body);
    const [, init] = fetchMock.mock.calls[0]!;
    expect(init?.headers).toMatchObject({ 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect((init?.body as Blob).size).toBeLessThan(JSON.stringify(body).length / 3);
    expect(JSON.parse(await inflated(init?.body))).toEqual(body);

    await transport.push(pushBody);
    const [, small] = fetchMock.mock.calls[1]!;
    expect(small?.headers).not.toHaveProperty('content-encoding');
    expect(JSON.parse(small?.body as string)).toEqual(pushBody);
  });

  it('pushes plain from then on when the server cannot read a compressed push', async () => {
    const { transport, fetchMock } = transportWith((_url, init) =>
      (init.headers as Record<string, string>)['content-encoding']
        ? json(400, { error: { code: 'malformed_json', message: '请求内容不是有效的 JSON' } })
        : json(200, { lastMutationId: 20, results: [] }),
    );
    await expect(transport.push(bigPush())).resolves.toEqual({ lastMutationId: 20, results: [] });
    await transport.push(bigPush());
    const encodings = fetchMock.mock.calls.map(([, init]) => (init?.headers as Record<string, string>)['content-encoding'] ?? 'identity');
    expect(encodings).toEqual(['gzip', 'identity', 'identity']);
    expect(JSON.parse(fetchMock.mock.calls[2]![1]?.body as string)).toEqual(bigPush());
  });

  it('puts blobs with their content type', async () => {
    const { transport, fetchMock } = transportWith(() => new Response(null, { status: 204 }));
    await transport.putBlob('ab'.repeat(32), new Blob(['x']), 'image/jpeg');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(`https://patrol.example/api/blobs/${'ab'.repeat(32)}`);
    expect(init).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/jpeg' } });
  });

  it('sends a large blob in chunks and goes on from the offset the server reports', async () => {
    const sha = 'cd'.repeat(32);
    const size = Math.round(BLOB_CHUNK_BYTES * 2.5);
    let stored = 0;
    const ranges: string[] = [];
    const { transport } = transportWith((url, init) => {
      if (init.method === 'GET') return json(200, { sha256: sha, complete: false, offset: stored });
      const range = (init.headers as Record<string, string>)['content-range']!;
      ranges.push(range);
      const first = Number(/bytes (\d+)-/.exec(range)![1]);
      if (first !== stored) return json(409, { error: { code: 'upload_offset', message: '位置不一致', details: { offset: stored } } });
      stored = first + (init.body as Blob).size;
      const answer = json(stored === size ? 201 : 200, { sha256: sha, complete: stored === size, offset: stored });
      // Another attempt (a second tab) stores the second chunk just after this answer.
      if (first === 0) stored = 2 * BLOB_CHUNK_BYTES;
      return answer;
    });
    await transport.putBlob(sha, new Blob([new Uint8Array(size)]), 'image/jpeg');
    expect(ranges).toEqual([
      `bytes 0-${BLOB_CHUNK_BYTES - 1}/${size}`,
      `bytes ${BLOB_CHUNK_BYTES}-${2 * BLOB_CHUNK_BYTES - 1}/${size}`, // refused: 409 with the offset
      `bytes ${2 * BLOB_CHUNK_BYTES}-${size - 1}/${size}`,
    ]);
  });

  it('gives up a chunked upload the server keeps refusing, for the next cycle to retry', async () => {
    const { transport, fetchMock } = transportWith((_url, init) =>
      init.method === 'GET' ? json(200, { sha256: 'cd'.repeat(32), complete: false, offset: 0 }) : json(409, { error: { code: 'upload_offset', message: '位置不一致', details: { offset: 0 } } }),
    );
    await expect(transport.putBlob('cd'.repeat(32), new Blob([new Uint8Array(BLOB_CHUNK_BYTES * 2)]), 'image/jpeg')).rejects.toMatchObject({ code: 'upload_stalled' });
    expect(fetchMock.mock.calls.length).toBeLessThan(10);
  });

  it('types each failure', async () => {
    const cases: [Response | Error, unknown][] = [
      [new TypeError('Failed to fetch'), NetworkError],
      [json(401, { error: { code: 'session_expired', message: '登录已过期' } }), UnauthorizedError],
      [json(409, { error: { code: 'mutation_gap', message: '序号不连续', details: { expected: 7 } } }), MutationGapError],
      [json(409, { error: { code: 'upload_offset', message: '位置不一致', details: { offset: 524288 } } }), UploadOffsetError],
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
      if (error instanceof UploadOffsetError) expect(error.offset).toBe(524288);
    }
  });
});
