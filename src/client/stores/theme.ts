/**
 * Light/dark theme. `auto` follows the shift: dark during the night shift (SPEC §4.8), so a grid
 * worker in a stairwell at 21:00 gets the dark theme without touching anything. A manual choice
 * is persisted per device.
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

  const isDark = computed(() => (mode.value === 'auto' ? shiftAt(now.value) === 'night' : mode.value === 'dark'));

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

  return { mode, now, isDark, setMode, cycle, tick };
});
