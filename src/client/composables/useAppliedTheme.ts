/**
 * Puts the theme on the page: `.theme-dark` on <html> (our CSS variables), the browser's
 * theme-color, and a clock so `auto` turns dark at the start of the night shift without a reload.
 */
import { onMounted, onUnmounted, watchEffect } from 'vue';
import { useThemeStore } from '../stores/theme';

const THEME_COLOR = { light: '#1d6fe0', dark: '#1a1e24' } as const;
const CLOCK_MS = 60_000;

export function useAppliedTheme(): ReturnType<typeof useThemeStore> {
  const theme = useThemeStore();

  watchEffect(() => {
    document.documentElement.classList.toggle('theme-dark', theme.isDark);
    document
      .querySelector('meta[name="theme-color"]')
      ?.setAttribute('content', theme.isDark ? THEME_COLOR.dark : THEME_COLOR.light);
  });

  let clock: ReturnType<typeof setInterval> | undefined;
  const scheme = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const onScheme = (e: { matches: boolean }) => theme.setSystemDark(e.matches);
  onMounted(() => {
    theme.tick();
    clock = setInterval(() => theme.tick(), CLOCK_MS);
    if (scheme) {
      onScheme(scheme);
      scheme.addEventListener('change', onScheme);
    }
  });
  onUnmounted(() => {
    clearInterval(clock);
    scheme?.removeEventListener('change', onScheme);
  });

  return theme;
}
