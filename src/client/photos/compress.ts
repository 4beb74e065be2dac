/**
 * Photos are compressed on the device before they are hashed and stored (SPEC §4.4): long edge at
 * most 1920 px, JPEG at quality 0.8. Re-encoding through a canvas also drops EXIF (location, device
 * serials) from the stored bytes; the visit records its own position.
 */

export const MAX_LONG_EDGE = 1920;
export const JPEG_QUALITY = 0.8;
export const JPEG_TYPE = 'image/jpeg';

/** Size that fits `maxEdge` on the long side, keeping the aspect ratio; never scales up. */
export function fitWithin(width: number, height: number, maxEdge: number = MAX_LONG_EDGE): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) throw new RangeError(`invalid image size ${width}×${height}`);
  const long = Math.max(width, height);
  if (long <= maxEdge) return { width: Math.round(width), height: Math.round(height) };
  const scale = maxEdge / long;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

async function decode(file: Blob): Promise<ImageBitmap> {
  // `from-image` applies the EXIF orientation, so a portrait photo stays upright once EXIF is gone.
  return createImageBitmap(file, { imageOrientation: 'from-image' });
}

async function encodeOffscreen(bitmap: ImageBitmap, width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2d context unavailable');
  ctx.drawImage(bitmap, 0, 0, width, height);
  return canvas.convertToBlob({ type: JPEG_TYPE, quality: JPEG_QUALITY });
}

function encodeCanvas(bitmap: ImageBitmap, width: number, height: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('2d context unavailable'));
  ctx.drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob failed'))), JPEG_TYPE, JPEG_QUALITY),
  );
}

/** The photo as an EXIF-free JPEG no larger than MAX_LONG_EDGE on its long side. */
export async function compressPhoto(file: Blob): Promise<Blob> {
  const bitmap = await decode(file);
  try {
    const { width, height } = fitWithin(bitmap.width, bitmap.height);
    return typeof OffscreenCanvas === 'function'
      ? await encodeOffscreen(bitmap, width, height)
      : await encodeCanvas(bitmap, width, height);
  } finally {
    bitmap.close();
  }
}
