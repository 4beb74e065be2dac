/**
 * Component tests fail on any console.error or console.warn (Vue warnings included), and start
 * from an empty localStorage and unstubbed globals.
 */
import { enableAutoUnmount } from '@vue/test-utils';
import { afterEach, beforeEach, vi } from 'vitest';

const calls: string[] = [];

beforeEach(() => {
  calls.length = 0;
  localStorage.clear();
  document.documentElement.className = '';
  for (const level of ['error', 'warn'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      calls.push(`console.${level}: ${args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ')}`);
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  if (calls.length > 0) throw new Error(`Unexpected console output:\n${calls.join('\n')}`);
});

// Registered last so it runs first (hooks run as a stack): warnings while unmounting still count.
enableAutoUnmount(afterEach);
