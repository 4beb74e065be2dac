/** What a failed write tells the user: our own Chinese messages, never Dexie's or the browser's English. */
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, NotFoundError, StorageFullError, userMessage } from '../../../src/client/db/errors';

const FALLBACK = '保存失败，请重试';

describe('userMessage', () => {
  it('passes on the messages of our own errors', () => {
    expect(userMessage(new StorageFullError(), FALLBACK)).toContain('存储空间不足');
    expect(userMessage(new NotFoundError('task', 't1'), FALLBACK)).toContain('请先同步后重试');
    expect(userMessage(new IllegalTransitionError('任务已取消，不能开始'), FALLBACK)).toBe('任务已取消，不能开始');
  });

  it('reads a full disk the browser reports, bare or wrapped by Dexie, as StorageFullError', () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(userMessage(quota, FALLBACK)).toBe(new StorageFullError().message);
    expect(userMessage(new Dexie.AbortError('Transaction aborted', quota), FALLBACK)).toBe(new StorageFullError().message);
  });

  it('says the fallback for anything else', () => {
    expect(userMessage(new Dexie.ConstraintError('Key already exists in the object store.'), FALLBACK)).toBe(FALLBACK);
    expect(userMessage(new TypeError('Cannot read properties of undefined'), FALLBACK)).toBe(FALLBACK);
    expect(userMessage('boom', FALLBACK)).toBe(FALLBACK);
  });
});
