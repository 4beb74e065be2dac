/** What the server holds, read beside what the browser shows: every page of a list, and blob bytes. */
import type { Page as ListPage } from '../../../src/domain/api';
import type { ApiSession } from '../api';

/** All items of a paged list (`/api/visits?placeId=…`), following `nextCursor`. */
export async function listAll<T>(api: ApiSession, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const page: ListPage<T> = await api.get<ListPage<T>>(`${path}${sep}limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** GET /api/blobs/:sha256 as bytes, with the response's content type. */
export async function downloadBlob(baseUrl: string, api: ApiSession, sha256: string): Promise<{ bytes: Uint8Array; contentType: string }> {
  const res = await fetch(`${baseUrl}/api/blobs/${sha256}`, {
    headers: { authorization: `Bearer ${api.token}`, 'x-device-id': api.deviceId },
  });
  if (!res.ok) throw new Error(`GET /api/blobs/${sha256}: ${res.status} ${await res.text()}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}
