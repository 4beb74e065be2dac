/**
 * The last resort of SPEC §8 "durability": every change the server has not confirmed, with every
 * photo those changes reference and any other photo not yet uploaded, as one JSON file the worker
 * can hand over.
 */
import type { GridPatrolDB, RejectionRow, StoredOutboxEntry } from '../db/database';
import { SYNC_TEXT } from './text';

export interface UnsentExport {
  format: 'grid-patrol-unsent';
  version: 1;
  clientId: string;
  userId: string;
  exportedAt: string;
  mutations: Pick<StoredOutboxEntry, 'seq' | 'name' | 'args' | 'at' | 'keys' | 'blobRefs'>[];
  blobs: { sha256: string; contentType: string; size: number; base64: string }[];
  rejections: RejectionRow[];
}

export function toBase64(data: ArrayBuffer): string {
  const bytes = new Uint8Array(data);
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** Reads everything unsent in one read transaction, so the file is a consistent snapshot. */
export async function buildUnsentExport(db: GridPatrolDB, now: Date = new Date()): Promise<UnsentExport> {
  const clientId = await db.clientId();
  return db.transaction('r', [db.outbox, db.blobs, db.rejections], async () => {
    const entries = await db.outbox.orderBy('seq').toArray();
    // By reference, not only `uploaded = 0`: the photo of a change the server never got may have gone
    // up already, and the file must carry the change whole (the server may yet be restored without it).
    const unsent = await db.blobs.where('uploaded').equals(0).primaryKeys();
    const wanted = new Set([...entries.flatMap((e) => e.blobRefs), ...unsent]);
    const blobs = (await db.blobs.bulkGet([...wanted].sort())).filter((b) => b !== undefined);
    const rejections = await db.rejections.orderBy('seq').toArray();
    return {
      format: 'grid-patrol-unsent' as const,
      version: 1 as const,
      clientId,
      userId: db.userId,
      exportedAt: now.toISOString(),
      mutations: entries.map(({ seq, name, args, at, keys, blobRefs }) => ({ seq, name, args, at, keys, blobRefs })),
      blobs: blobs.map((b) => ({ sha256: b.sha256, contentType: b.contentType, size: b.size, base64: toBase64(b.data) })),
      rejections,
    };
  });
}

export function unsentExportFile(data: UnsentExport): { blob: Blob; fileName: string } {
  return {
    blob: new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
    fileName: SYNC_TEXT.exportFileName(data.userId, data.exportedAt),
  };
}

/** Hands a file to the browser's download; the object URL is released right after. */
export function downloadFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
