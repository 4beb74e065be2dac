import { describe, expect, it } from 'vitest';
import { useWrite } from '../../src/client/composables/useWrite';
import { StorageFullError } from '../../src/client/db/errors';

describe('useWrite', () => {
  it('is saving while the write runs and clears an earlier failure', async () => {
    const { saving, failure, write } = useWrite('保存失败，请重试');
    failure.value = '上次失败';
    let release!: () => void;
    const running = write(() => new Promise<void>((r) => (release = r)));
    expect(saving.value).toBe(true);
    expect(failure.value).toBeNull();
    release();
    expect(await running).toBe(true);
    expect(saving.value).toBe(false);
    expect(failure.value).toBeNull();
  });

  it('turns a thrown error into the user\'s words and reports the failure', async () => {
    const { saving, failure, write } = useWrite('保存失败，请重试');
    expect(await write(() => Promise.reject(new Error('Transaction committed too early')))).toBe(false);
    expect(failure.value).toBe('保存失败，请重试');
    expect(saving.value).toBe(false);
    expect(await write(() => Promise.reject(new StorageFullError()))).toBe(false);
    expect(failure.value).toContain('存储空间不足');
  });
});
