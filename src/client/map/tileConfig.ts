/**
 * The deployment's map settings (`GET /api/config`), remembered on the device: the map opens offline
 * with the last answer, or with the defaults (no base map) on a device that has never reached it.
 * The service worker never caches `/api/`, hence localStorage.
 */
import { onMounted, shallowRef, type ShallowRef } from 'vue';
import { DEFAULT_APP_CONFIG, parseAppConfig, type AppConfig } from '../../domain/config';
import { request, URLS } from '../api';
import { useSessionStore } from '../stores/session';

export const CONFIG_URL = URLS.config;
const STORAGE_KEY = 'grid-patrol.config';

export function readStoredAppConfig(): AppConfig {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return DEFAULT_APP_CONFIG;
  try {
    return parseAppConfig(JSON.parse(raw)) ?? DEFAULT_APP_CONFIG;
  } catch {
    return DEFAULT_APP_CONFIG;
  }
}

/** Asks the server; keeps and returns a valid answer, otherwise (offline, bad shape) the stored one. */
export async function refreshAppConfig(token: string | null): Promise<AppConfig> {
  try {
    const config = parseAppConfig(await request<unknown>(CONFIG_URL, { token }));
    if (config) {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(config));
      return config;
    }
  } catch {
    // Offline or the server is down: the stored config is what the device works with.
  }
  return readStoredAppConfig();
}

/** The config for a view: the stored one at once, the server's once it answers. */
export function useAppConfig(): { config: ShallowRef<AppConfig>; refresh: () => Promise<void> } {
  const session = useSessionStore();
  const config = shallowRef(readStoredAppConfig());
  async function refresh(): Promise<void> {
    config.value = await refreshAppConfig(session.token);
  }
  onMounted(() => void refresh());
  return { config, refresh };
}
