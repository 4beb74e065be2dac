import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useThemeStore } from '../../src/client/stores/theme';

describe('theme store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('follows the night shift in auto mode (Asia/Shanghai)', () => {
    const theme = useThemeStore();
    expect(theme.mode).toBe('auto');
    theme.tick(new Date('2025-03-10T12:00:00+08:00'));
    expect(theme.isDark).toBe(false);
    theme.tick(new Date('2025-03-10T18:00:00+08:00'));
    expect(theme.isDark).toBe(true);
    theme.tick(new Date('2025-03-11T05:59:00+08:00'));
    expect(theme.isDark).toBe(true);
    theme.tick(new Date('2025-03-11T06:00:00+08:00'));
    expect(theme.isDark).toBe(false);
  });

  it('is dark in auto mode when the phone is set to dark, also by day; a manual choice still wins', () => {
    const theme = useThemeStore();
    theme.tick(new Date('2025-03-10T12:00:00+08:00'));
    expect(theme.isDark).toBe(false);
    theme.setSystemDark(true);
    expect(theme.isDark).toBe(true);
    theme.setMode('light');
    expect(theme.isDark).toBe(false);
    theme.setMode('auto');
    theme.setSystemDark(false);
    expect(theme.isDark).toBe(false);
  });

  it('keeps a manual choice across reloads', () => {
    useThemeStore().setMode('dark');
    setActivePinia(createPinia());
    const theme = useThemeStore();
    theme.tick(new Date('2025-03-10T12:00:00+08:00'));
    expect(theme.mode).toBe('dark');
    expect(theme.isDark).toBe(true);
  });
});
