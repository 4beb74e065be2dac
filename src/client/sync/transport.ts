/**
 * The sync engine's only window on the server. The engine sees this interface; `createHttpTransport`
 * speaks SPEC §8 over fetch, tests use an in-memory server behind the same interface.
 *
 * Failures are typed so the engine can tell what to do: retry later (network, 5xx), re-authenticate
 * (401), resend from the server's position (409 `mutation_gap`), or give up on the request (other 4xx).
 */
import { BLOB_CHUNK_BYTES, formatContentRange, nextChunk, type BlobUploadStatus } from '../../domain/transfer';
import type { PullRequest, PullResponse, PushRequest, PushResponse } from '../../domain/sync';

/**
 * The protocol's response schemas, loaded with the first sync rather than with the app: they bring
 * zod, and the field route's first load must stay small (SPEC §12). The service worker precaches the
 * chunk, so this works offline too.
 */
const protocolSchemas = () => import('../../domain/sync');
import { URLS } from '../api';

export interface SyncTransport {
  push(body: PushRequest): Promise<PushResponse>;
  pull(body: PullRequest): Promise<PullResponse>;
  /**
   * Idempotent upload of a blob addressed by its SHA-256. A blob larger than one chunk (`chunkBytes`,
   * BLOB_CHUNK_BYTES unless the link calls for less) is sent in chunks and, after an interruption,
   * resumed from the offset the server has stored.
   */
  putBlob(sha256: string, data: Blob, contentType: string, chunkBytes?: number): Promise<void>;
}

export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** No response: offline, DNS, timeout (code `timeout`). Retry later. */
export class NetworkError extends TransportError {
  override readonly name = 'NetworkError';
  constructor(message = '网络不可用', code = 'offline') {
    super(code, message, 0);
  }
}

/** The request ran out of time: on a slow link, a smaller one may get through (allowance.ts). */
export function timedOut(error: unknown): boolean {
  return error instanceof NetworkError && error.code === 'timeout';
}

/** 401: the session is gone; re-authenticate, then sync again. */
export class UnauthorizedError extends TransportError {
  override readonly name = 'UnauthorizedError';
}

/** 409 `mutation_gap`: the server expects the mutation with seq `expected` next. */
export class MutationGapError extends TransportError {
  override readonly name = 'MutationGapError';
  constructor(
    readonly expected: number,
    message = '同步序号不连续',
    details?: unknown,
  ) {
    super('mutation_gap', message, 409, details);
  }
}

/** 409 `upload_offset`: the server holds `offset` bytes of the blob; a resumable upload goes on there. */
export class UploadOffsetError extends TransportError {
  override readonly name = 'UploadOffsetError';
  constructor(
    readonly offset: number,
    message = '上传位置不一致',
    details?: unknown,
  ) {
    super('upload_offset', message, 409, details);
  }
}

/** Any other 4xx: the request itself is refused; repeating it unchanged will not help. */
export class ClientRequestError extends TransportError {
  override readonly name = 'ClientRequestError';
}

/** 5xx: the server failed; retry later. */
export class ServerError extends TransportError {
  override readonly name = 'ServerError';
}

export interface TransportAuth {
  token: string | null;
  deviceId: string;
}

const TIMEOUT_MS = 30_000;

function errorBody(value: unknown): { code: string; message: string; details?: unknown } | null {
  if (typeof value !== 'object' || value === null || !('error' in value)) return null;
  const e = value.error;
  if (typeof e !== 'object' || e === null) return null;
  const { code, message, details } = e as { code?: unknown; message?: unknown; details?: unknown };
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : code, details } : null;
}

/** Maps an HTTP error response to the typed error. */
export function errorFromResponse(status: number, body: unknown): TransportError {
  const e = errorBody(body);
  const code = e?.code ?? `http_${status}`;
  const message = e?.message ?? `服务器异常（${status}）`;
  if (status === 401) return new UnauthorizedError(code, message, status, e?.details);
  if (status === 409 && code === 'mutation_gap') {
    const expected = (e?.details as { expected?: unknown } | undefined)?.expected;
    if (typeof expected === 'number' && Number.isInteger(expected)) return new MutationGapError(expected, message, e?.details);
  }
  if (status === 409 && code === 'upload_offset') {
    const offset = (e?.details as { offset?: unknown } | undefined)?.offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return new UploadOffsetError(offset, message, e?.details);
  }
  if (status >= 500) return new ServerError(code, message, status, e?.details);
  return new ClientRequestError(code, message, status, e?.details);
}

/** A success whose body is not the protocol's answer is no answer: retried later, never applied. */
function checked(schema: { safeParse(v: unknown): { success: boolean } }, body: unknown): unknown {
  if (!schema.safeParse(body).success) throw new NetworkError('服务器响应格式不正确', 'bad_response');
  return body;
}

/**
 * A push body of at least this many characters goes gzip-compressed: the JSON of visits shrinks five-
 * to tenfold, which is what decides whether a day's work gets through a weak uplink. Smaller ones go
 * as they are (compressing them saves too little to matter).
 */
export const COMPRESS_MIN_CHARS = 2048;

/** `text` gzip-compressed, or null when it is short or the browser cannot compress (no CompressionStream). */
export async function gzipped(text: string): Promise<Blob | null> {
  if (text.length < COMPRESS_MIN_CHARS || typeof CompressionStream !== 'function') return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

export function createHttpTransport(
  baseUrl: string,
  getAuth: () => TransportAuth | Promise<TransportAuth>,
  fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
): SyncTransport {
  const base = baseUrl.replace(/\/$/, '');

  async function send(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: BodyInit,
    contentType?: string,
    extra: Record<string, string> = {},
  ): Promise<unknown> {
    const auth = await getAuth();
    const headers: Record<string, string> = { accept: 'application/json', 'x-device-id': auth.deviceId, ...extra };
    if (contentType) headers['content-type'] = contentType;
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    let response: Response;
    try {
      response = await fetchImpl(base + path, { method, headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      const timeout = error instanceof DOMException && error.name === 'TimeoutError';
      throw timeout ? new NetworkError('网络超时', 'timeout') : new NetworkError();
    }
    let parsed: unknown;
    try {
      const text = await response.text();
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // A connection broken in the middle of the body, or not JSON (a captive portal's page): for a
      // success that is no answer at all — the request may or may not have been handled, so it is
      // retried like a lost response, never taken as an empty one.
      if (response.ok) throw new NetworkError('服务器响应不完整', 'bad_response');
      parsed = undefined;
    }
    if (!response.ok) throw errorFromResponse(response.status, parsed);
    return parsed;
  }

  /** Set when the server refused a compressed push (an older one): pushes then go plain. */
  let plainPushes = false;

  async function postPush(body: PushRequest): Promise<unknown> {
    const json = JSON.stringify(body);
    const compressed = plainPushes ? null : await gzipped(json);
    if (!compressed) return send('POST', URLS.syncPush, json, 'application/json');
    try {
      return await send('POST', URLS.syncPush, compressed, 'application/json', { 'content-encoding': 'gzip' });
    } catch (error) {
      // A server that cannot read the compressed body says so before it looks at the push: 415, or
      // 400 when it took the gzip bytes for JSON.
      if (!(error instanceof ClientRequestError && (error.status === 415 || error.code === 'malformed_json'))) throw error;
      plainPushes = true;
      return send('POST', URLS.syncPush, json, 'application/json');
    }
  }

  return {
    async push(body) {
      const { pushResponseSchema } = await protocolSchemas();
      return checked(pushResponseSchema, await postPush(body)) as PushResponse;
    },
    async pull(body) {
      const { pullResponseSchema } = await protocolSchemas();
      return checked(pullResponseSchema, await send('POST', URLS.syncPull, JSON.stringify(body), 'application/json')) as PullResponse;
    },
    async putBlob(sha256, data, contentType, chunkBytes = BLOB_CHUNK_BYTES) {
      if (data.size <= chunkBytes) {
        await send('PUT', URLS.blob(sha256), data, contentType);
        return;
      }
      const { blobUploadStatusSchema } = await protocolSchemas();
      const status = async (request: Promise<unknown>) => checked(blobUploadStatusSchema, await request) as BlobUploadStatus;
      let at = await status(send('GET', URLS.blobUpload(sha256)));
      // Each round stores a chunk or learns the server's offset; more rounds than chunks means the
      // server and this device disagree about the blob: stop and let the next cycle try again.
      for (let round = 0; !at.complete; round++) {
        if (round > 2 * Math.ceil(data.size / chunkBytes) + 2 || at.offset >= data.size) {
          throw new TransportError('upload_stalled', '照片上传未能完成，稍后重试', 0);
        }
        const chunk = nextChunk(at.offset, data.size, chunkBytes);
        try {
          at = await status(
            send('PUT', URLS.blob(sha256), data.slice(chunk.first, chunk.last + 1), contentType, { 'content-range': formatContentRange(chunk) }),
          );
        } catch (error) {
          // Another attempt stored more (or less) than this device thought: go on from there.
          if (!(error instanceof UploadOffsetError)) throw error;
          at = { sha256, complete: false, offset: error.offset };
        }
      }
    },
  };
}
