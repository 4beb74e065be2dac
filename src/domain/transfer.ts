/**
 * What goes over the wire in what sizes, the part both sides must agree on: push batches and
 * resumable blob uploads. No zod here: the field app's first load imports it.
 *
 * A push carries at most `PUSH_BATCH` mutations and, measured as JSON, about `PUSH_BATCH_BYTES`; the
 * server accepts bodies up to `PUSH_BODY_LIMIT`, so a batch of visits with long notes is cut short
 * rather than refused (a refused batch would hold the queue forever).
 *
 * Blobs (SPEC §8: `PUT /api/blobs/:sha256` is "resumable for large files"):
 * A blob up to `BLOB_CHUNK_BYTES` goes in one PUT. A larger one goes in chunks, each a PUT to the same
 * address with `Content-Range: bytes <first>-<last>/<total>`; the server appends a chunk only at the
 * offset it has durably stored so far, answers the new offset, and on the last chunk verifies the
 * SHA-256 of the whole before the blob exists. `GET /api/blobs/:sha256/upload` tells a device that
 * lost a connection (or was closed) where to go on: an interrupted upload resumes, never restarts.
 */

/** Mutations per push request. */
export const PUSH_BATCH = 500;

/**
 * The least a push is cut to on a link where larger ones time out (src/client/sync/allowance.ts): a
 * visit with notes fits, and a batch always carries at least one mutation, whatever its size.
 */
export const PUSH_MIN_BYTES = 16 * 1024;

/** Changes per pull page when the device does not ask for fewer. */
export const PULL_PAGE_LIMIT = 1000;

/** The fewest changes a device asks for per page on a link where larger pages time out. */
export const PULL_MIN_LIMIT = 25;

/** The device stops adding mutations to a push once their JSON reaches this size. */
export const PUSH_BATCH_BYTES = 2 * 1024 * 1024;

/** The most mutations the server takes in one push (a device sends at most `PUSH_BATCH`). */
export const MAX_PUSH_BATCH = 1000;

/** The largest push body the server reads: a full batch plus the largest single mutation fits. */
export const PUSH_BODY_LIMIT = 8 * 1024 * 1024;

/** Chunk size of a resumable upload: a slow mobile link sends one in seconds, so little is redone. */
export const BLOB_CHUNK_BYTES = 512 * 1024;

/** The smallest chunk a device cuts a photo into on a link where larger chunks time out. */
export const BLOB_MIN_CHUNK_BYTES = 32 * 1024;

/** The largest blob the server stores (a compressed photo is 0.3–2 MB; an uncompressed one fits too). */
export const MAX_BLOB_BYTES = 15 * 1024 * 1024;

/** Photo types the server accepts. */
export const BLOB_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;

interface ByteRange {
  /** Offset of the chunk's first byte. */
  first: number;
  /** Offset of the chunk's last byte (inclusive, as HTTP writes it). */
  last: number;
  /** Size of the whole blob. */
  total: number;
}

/** Where an upload stands: `offset` bytes durably stored, or the whole blob there (`complete`). */
export interface BlobUploadStatus {
  sha256: string;
  complete: boolean;
  offset: number;
}

export function formatContentRange(r: ByteRange): string {
  return `bytes ${r.first}-${r.last}/${r.total}`;
}

const RANGE_RE = /^bytes (\d{1,12})-(\d{1,12})\/(\d{1,12})$/;

/** The range of a `Content-Range` header, or null when it is not a well-formed, non-empty range. */
export function parseContentRange(header: string): ByteRange | null {
  const m = RANGE_RE.exec(header.trim());
  if (!m) return null;
  const [first, last, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (first > last || last >= total) return null;
  return { first, last, total };
}

/** The chunk of a blob of `size` bytes that starts at `offset`, at most `chunkBytes` long. */
export function nextChunk(offset: number, size: number, chunkBytes = BLOB_CHUNK_BYTES): ByteRange {
  return { first: offset, last: Math.min(offset + chunkBytes, size) - 1, total: size };
}
