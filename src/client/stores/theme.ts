/**
 * Light/dark theme. `auto` is dark during the night shift (SPEC §4.8), so a grid worker in a
 * stairwell at 21:00 gets the dark theme without touching anything, and whenever the phone itself
 * is set to dark (`prefers-color-scheme: dark`). A manual choice is persisted per device.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { shiftAt } from '../../domain/calendar';

export const THEME_MODES = ['auto', 'light', 'dark'] as const;
export type ThemeMode = (typeof THEME_MODES)[number];

const STORAGE_KEY = 'grid-patrol.theme';

function readMode(): ThemeMode {
  const raw = localStorage.getItem(STORAGE_KEY);
  return (THEME_MODES as readonly string[]).includes(raw ?? '') ? (raw as ThemeMode) : 'auto';
}

export const useThemeStore = defineStore('theme', () => {
  const mode = ref<ThemeMode>(readMode());
  /** The clock the `auto` mode follows; App.vue advances it every minute. */
  const now = ref(new Date());
  /** The phone's own dark setting; App.vue keeps it current (`useAppliedTheme`). */
  const systemDark = ref(false);

  const isDark = computed(() =>
    mode.value === 'auto' ? systemDark.value || shiftAt(now.value) === 'night' : mode.value === 'dark',
  );

  function setMode(next: ThemeMode): void {
    mode.value = next;
    localStorage.setItem(STORAGE_KEY, next);
  }

  function cycle(): void {
    const index = THEME_MODES.indexOf(mode.value);
    setMode(THEME_MODES[(index + 1) % THEME_MODES.length] ?? 'auto');
  }

  function tick(at: Date = new Date()): void {
    now.value = at;
  }

  function setSystemDark(dark: boolean): void {
    systemDark.value = dark;
  }

  return { mode, now, systemDark, isDark, setMode, cycle, tick, setSystemDark };
});
