/**
 * The device id: generated once per browser profile and kept in localStorage, so the server can
 * bind sessions to a device and the device list can revoke it (SPEC §6, §9).
 */
const STORAGE_KEY = 'grid-patrol.deviceId';
/** Same rule as `deviceIdSchema` in src/domain/api.ts (kept as a regex to keep zod out of the bundle). */
const DEVICE_ID_RE = /^[A-Za-z0-9_-]{8,64}$/;

function newDeviceId(): string {
  // randomUUID only exists in secure contexts; a LAN test over plain http still needs an id.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID().replaceAll('-', '');
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function isValidDeviceId(value: string): boolean {
  return DEVICE_ID_RE.test(value);
}

export function getDeviceId(storage: Storage = localStorage): string {
  const stored = storage.getItem(STORAGE_KEY);
  if (stored !== null && isValidDeviceId(stored)) return stored;
  const id = newDeviceId();
  storage.setItem(STORAGE_KEY, id);
  return id;
}
