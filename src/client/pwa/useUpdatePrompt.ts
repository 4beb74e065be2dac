/**
 * New app versions, offered and never forced (SPEC §4.1). The service worker installs a new version
 * in the background and waits; the page shows "有新版本" and activates it only when the user accepts.
 * An open form (the visit form above all) holds updates: while any hold is active, accepting is
 * refused, so a reload can never throw away a half-finished inspection.
 *
 * Usage in a form: `useUpdateHold()` in its setup, or `const release = useUpdatePrompt().holdUpdates()`.
 */
import { defineStore } from 'pinia';
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { Workbox } from 'workbox-window';

/** How often an open app asks the server for a new service worker. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export interface RegisterOptions {
  /** The built service worker (vite-plugin-pwa `filename` → `sw.js`). */
  url?: string;
  /** Injected in tests; a full page reload otherwise. */
  reload?: () => void;
}

export const useUpdatePrompt = defineStore('update-prompt', () => {
  const needRefresh = ref(false);
  const holds = ref(0);
  const updating = ref(false);
  const isHeld = computed(() => holds.value > 0);

  let workbox: Workbox | null = null;
  let reload: () => void = () => window.location.reload();

  /** Registers the service worker; call once, in production builds only. */
  async function register(options: RegisterOptions = {}): Promise<void> {
    if (workbox !== null || !('serviceWorker' in navigator)) return;
    if (options.reload) reload = options.reload;
    const wb = new Workbox(options.url ?? '/sw.js', { scope: '/' });
    workbox = wb;
    // `waiting` also fires on load when a version installed earlier is still waiting.
    wb.addEventListener('waiting', () => (needRefresh.value = true));
    await wb.register();
    setInterval(() => {
      if (navigator.onLine) void wb.update();
    }, UPDATE_CHECK_MS);
  }

  /**
   * Activates the waiting version and reloads once it controls the page. Refused (returns false)
   * while a form holds updates or when there is nothing waiting.
   */
  function accept(): boolean {
    if (!needRefresh.value || isHeld.value || workbox === null || updating.value) return false;
    updating.value = true;
    workbox.addEventListener('controlling', () => reload());
    workbox.messageSkipWaiting();
    return true;
  }

  /** Hides the prompt until the next start or the next version. */
  function dismiss(): void {
    needRefresh.value = false;
  }

  /** Declares an open form: updates wait until the returned function is called (idempotent). */
  function holdUpdates(): () => void {
    holds.value++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      holds.value--;
    };
  }

  return { needRefresh, isHeld, updating, register, accept, dismiss, holdUpdates };
});

/**
 * Holds updates while the calling component is mounted — and, with `active`, only while it is true
 * (e.g. a visit that has started and not yet finished).
 */
export function useUpdateHold(active?: Ref<boolean>): void {
  const prompt = useUpdatePrompt();
  let release: (() => void) | null = null;
  const set = (on: boolean): void => {
    if (on && release === null) release = prompt.holdUpdates();
    if (!on && release !== null) {
      release();
      release = null;
    }
  };
  onMounted(() => set(active?.value ?? true));
  if (active) watch(active, (on) => set(on));
  onBeforeUnmount(() => set(false));
}
