/**
 * Keyset paging shared by every list: rows ordered by id (UUIDv7, so roughly by creation time), the
 * opaque cursor is the last id of the page. `limit + 1` rows are read to know whether more follow.
 */
import { z } from 'zod';
import type { Page } from '../../domain/api';
import { pageQuerySchema } from '../../domain/api';
import { UUID_RE } from '../../domain/ids';
import { AppError } from '../errors';

const CURSOR_PREFIX = 'k1:';

export function encodeCursor(lastId: string): string {
  return Buffer.from(CURSOR_PREFIX + lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!UUID_RE.test(id)) throw new AppError('invalid_cursor');
  return id;
}

/** A list's query schema: paging plus the list's own filters, unknown parameters rejected. */
export function listQuery<T extends z.ZodRawShape>(filters: T) {
  return z.strictObject({ ...pageQuerySchema.shape, ...filters });
}

export interface PageRequest {
  limit: number;
  afterId: string | null;
}

export function pageRequest(q: { limit: number; cursor?: string | undefined }): PageRequest {
  return { limit: q.limit, afterId: decodeCursor(q.cursor) };
}

export function toPage<R extends { id: string }, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: more && last ? encodeCursor(last.id) : null };
}
