/** Errors of the local data layer, typed so views can tell the user what happened and keep the draft. */

/** The device is out of storage; the transaction was rolled back as a whole, the caller keeps its draft. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  readonly code = 'storage_full';
  constructor(cause?: unknown) {
    super('设备存储空间不足，本次记录未保存。请清理手机空间或导出未同步数据后重试。', { cause });
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly code = 'not_found';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`本机没有找到该记录（${entity} ${id}），请先同步后重试。`);
  }
}

/** A step a domain state machine refuses (a case, a task, a subject's listing); `message` is the domain's Chinese reason. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  readonly code = 'illegal_transition';
}

function errorName(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : undefined;
}

/** Whether `e` (or the error Dexie wrapped in it) is the browser's QuotaExceededError. */
export function isQuotaExceeded(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur != null; depth++) {
    if (errorName(cur) === 'QuotaExceededError') return true;
    const next = (cur as { inner?: unknown; cause?: unknown }).inner ?? (cur as { cause?: unknown }).cause;
    cur = next;
  }
  return false;
}

/**
 * What to tell the user when a write failed, in Chinese: our own errors carry their message (a full
 * disk, a missing row, a refusal with the domain's reason), a full disk the browser reports directly
 * becomes `StorageFullError`'s; anything else — Dexie's and the browser's English, technical
 * messages — reads as `fallback`.
 */
export function userMessage(error: unknown, fallback: string): string {
  if (error instanceof StorageFullError || error instanceof NotFoundError || error instanceof IllegalTransitionError) return error.message;
  if (isQuotaExceeded(error)) return new StorageFullError(error).message;
  return fallback;
}
