/** Taking a photo: compress on the device, store under its SHA-256, hand back the hash. */
import { onScopeDispose, reactive } from 'vue';
import type { GridPatrolDB } from '../db/database';
import { putBlob } from '../db/repositories';
import { compressPhoto, JPEG_TYPE } from './compress';

export type Compressor = (file: Blob) => Promise<Blob>;

/** Stores one photo; returns the SHA-256 the visit or case references. */
export async function storePhoto(db: GridPatrolDB, file: Blob, compress: Compressor = compressPhoto): Promise<string> {
  const jpeg = await compress(file);
  const row = await putBlob(db, jpeg, jpeg.type || JPEG_TYPE);
  return row.sha256;
}

/**
 * Object URLs of local blobs for thumbnails, created on demand and revoked when the owning
 * component (effect scope) goes away.
 */
export function useBlobUrls(db: GridPatrolDB) {
  const urls = reactive(new Map<string, string | null>());
  const loading = new Set<string>();
  let disposed = false;

  function load(sha256: string): void {
    if (urls.has(sha256) || loading.has(sha256)) return;
    loading.add(sha256);
    void db.blobs
      .get(sha256)
      .then((row) => {
        if (disposed) return;
        urls.set(sha256, row ? URL.createObjectURL(new Blob([row.data], { type: row.contentType })) : null);
      })
      .catch(() => urls.set(sha256, null))
      .finally(() => loading.delete(sha256));
  }

  /** The URL of a blob, `undefined` while loading, `null` when the device does not hold it. */
  function urlOf(sha256: string): string | null | undefined {
    load(sha256);
    return urls.get(sha256);
  }

  onScopeDispose(() => {
    disposed = true;
    for (const url of urls.values()) if (url) URL.revokeObjectURL(url);
    urls.clear();
  });

  return { urlOf };
}
