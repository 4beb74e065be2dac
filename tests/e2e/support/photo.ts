/** The evidence photo fixture and what a spec can read from JPEG bytes without decoding them. */
import { createHash } from 'node:crypto';

/** A real 2600×1950 JPEG (made by make-photo-fixture.ts): larger than the app's 1920 px long edge. */
export const PHOTO_FIXTURE = {
  path: 'tests/e2e/fixtures/stairwell-notice-2600x1950.jpg',
  width: 2600,
  height: 1950,
} as const;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Width and height from a JPEG's start-of-frame segment (SOF0–SOF15 except DHT, JPG and DAC).
 * Throws when the bytes are not a JPEG or hold no frame header.
 */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG (no SOI marker)');
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error(`JPEG marker expected at byte ${i}`);
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  throw new Error('no SOF segment in JPEG');
}
