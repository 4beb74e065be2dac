/**
 * The one catalogue of API errors (STYLE: one error catalogue): stable code → HTTP status and the
 * Chinese message shown in the UI. Every 4xx/5xx body is `{error: {code, message, details?}}`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';

export const ERRORS = {
  malformed_json: { status: 400, message: '请求内容不是有效的 JSON' },
  validation_failed: { status: 400, message: '提交的数据不符合要求' },
  invalid_id: { status: 400, message: '编号格式不正确' },
  invalid_cursor: { status: 400, message: '分页参数无效，请刷新后重试' },
  missing_device_id: { status: 400, message: '缺少设备标识' },
  unsupported_media_type: { status: 415, message: '不支持的内容类型' },
  unsupported_encoding: { status: 415, message: '不支持的内容压缩格式' },
  malformed_body: { status: 400, message: '请求内容已损坏，无法解压' },
  payload_too_large: { status: 413, message: '提交的数据过大' },
  unauthenticated: { status: 401, message: '请先登录' },
  invalid_credentials: { status: 401, message: '用户名或密码错误' },
  session_expired: { status: 401, message: '登录已过期，请重新登录' },
  forbidden: { status: 403, message: '没有权限执行此操作' },
  not_found: { status: 404, message: '未找到' },
  method_not_allowed: { status: 405, message: '不支持的请求方法' },
  conflict: { status: 409, message: '数据已被修改，请刷新后重试' },
  mutation_gap: { status: 409, message: '同步序号不连续，请从服务器要求的位置重新提交' },
  upload_offset: { status: 409, message: '上传位置不一致，请从服务器已收到的位置继续上传' },
  invalid_range: { status: 400, message: '分段上传的范围无效' },
  hash_mismatch: { status: 400, message: '文件内容与其校验值不符，可能上传不完整，请重试' },
  rate_limited: { status: 429, message: '尝试次数过多，请稍后再试' },
  internal: { status: 500, message: '服务器内部错误' },
  unavailable: { status: 503, message: '服务暂时不可用，请稍后再试' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
    /** English, for logs only; the client gets the catalogue's Chinese message. */
    logMessage?: string,
  ) {
    super(logMessage ?? code);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: ErrorCode, details?: unknown): ErrorBody {
  return { error: { code, message: ERRORS[code].message, ...(details === undefined ? {} : { details }) } };
}

export interface IssueDetail {
  path: string;
  code: string;
  message: string;
}

/** Validates with a zod schema; failures become `validation_failed` with the issue paths. */
export function parse<T extends ZodType>(schema: T, data: unknown, where: 'body' | 'query' | 'params' = 'body'): T['_output'] {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const details: IssueDetail[] = result.error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    code: i.code,
    message: i.message,
  }));
  throw new AppError('validation_failed', details);
}

/** Fastify's own client-error codes, translated once. */
function fromFastifyError(err: FastifyError): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', undefined, err.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', undefined, err.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('unsupported_media_type', undefined, err.message);
    default:
      break;
  }
  if (err instanceof SyntaxError) return new AppError('malformed_json', undefined, err.message);
  if (typeof err.statusCode === 'number' && err.statusCode === 413) return new AppError('payload_too_large');
  if (typeof err.statusCode === 'number' && err.statusCode === 415) return new AppError('unsupported_media_type');
  if (typeof err.statusCode === 'number' && err.statusCode === 400) return new AppError('validation_failed', undefined, err.message);
  return null;
}

/** PostgreSQL errors caused by the request (not by the server) map to 4xx; everything else is a 5xx. */
function fromDatabaseError(err: unknown): AppError | null {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  if (code === '23505') return new AppError('conflict', undefined, 'unique violation');
  if (code === '40001' || code === '40P01') return new AppError('conflict', undefined, 'serialization failure');
  if (code.startsWith('08') || code === '57P01' || code === '57P03') return new AppError('unavailable', undefined, 'database unavailable');
  return null;
}

/**
 * An error that carries one of ours: @fastify/compress assigns the fields of the error our callback
 * returns (code, status, details) onto the decompression error it raises.
 */
function carriedAppError(err: unknown): AppError | null {
  const { code, status, details, message } = err as { code?: unknown; status?: unknown; details?: unknown; message?: unknown };
  if (typeof code !== 'string' || !Object.hasOwn(ERRORS, code) || ERRORS[code as ErrorCode].status !== status) return null;
  return new AppError(code as ErrorCode, details, typeof message === 'string' ? message : undefined);
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError = err instanceof AppError ? err : (carriedAppError(err) ?? fromFastifyError(err) ?? fromDatabaseError(err));
  if (appError) {
    if (appError.status >= 500) request.log.error({ err }, appError.message);
    else request.log.info({ code: appError.code, msg: appError.message }, 'request rejected');
    void reply.status(appError.status).send(errorBody(appError.code, appError.details));
    return;
  }
  request.log.error({ err }, 'unhandled error');
  void reply.status(500).send(errorBody('internal'));
}
