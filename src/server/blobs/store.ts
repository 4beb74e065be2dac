/**
 * Where blob bytes live. The database keeps the metadata (`blobs`) and who may read them
 * (`blob_refs`); the bytes go through this small interface so an S3-compatible store can replace the
 * file system later without touching the routes.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface BlobStore {
  has(sha256: string): Promise<boolean>;
  /** Stores the bytes atomically: a reader never sees a partial blob. */
  put(sha256: string, data: Buffer): Promise<void>;
  /** The stored bytes as a stream with their size, or null when the blob is not stored. */
  open(sha256: string): Promise<{ size: number; stream: Readable } | null>;
  /** Bytes of an unfinished resumable upload durably stored so far (0 when there is none). */
  partialSize(sha256: string): Promise<number>;
  /** Appends a chunk at `offset`, which the caller has checked equals `partialSize`; durable on return. */
  appendPartial(sha256: string, offset: number, data: Buffer): Promise<void>;
  /**
   * Finishes a resumable upload: when the stored bytes hash to `sha256` they become the blob
   * (atomically) and true is returned; otherwise they are discarded and false is returned.
   */
  commitPartial(sha256: string): Promise<boolean>;
  discardPartial(sha256: string): Promise<void>;
  /** Removes unfinished uploads untouched for `maxAgeMs` (a device that never came back); returns how many. */
  sweepPartials(maxAgeMs: number, now?: number): Promise<number>;
}

/**
 * DATA_DIR/blobs/<first two hex digits>/<sha256>, written to a temporary file then renamed; an
 * unfinished resumable upload is DATA_DIR/blobs/partial/<sha256> until its last chunk.
 */
export class FsBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  #path(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  #partial(sha256: string): string {
    return path.join(this.root, 'partial', sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fs.access(this.#path(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async put(sha256: string, data: Buffer): Promise<void> {
    const target = this.#path(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  }

  async partialSize(sha256: string): Promise<number> {
    try {
      return (await fs.stat(this.#partial(sha256))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
  }

  async appendPartial(sha256: string, offset: number, data: Buffer): Promise<void> {
    const file = this.#partial(sha256);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const handle = await fs.open(file, offset === 0 ? 'w' : 'r+');
    try {
      await handle.write(data, 0, data.length, offset);
      // A chunk cut off mid-write leaves bytes past the offset the client was told: drop them.
      await handle.truncate(offset + data.length);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async commitPartial(sha256: string): Promise<boolean> {
    const file = this.#partial(sha256);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    if (hash.digest('hex') !== sha256) {
      await this.discardPartial(sha256);
      return false;
    }
    const target = this.#path(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rename(file, target);
    return true;
  }

  async discardPartial(sha256: string): Promise<void> {
    await fs.rm(this.#partial(sha256), { force: true });
  }

  async sweepPartials(maxAgeMs: number, now = Date.now()): Promise<number> {
    const dir = path.join(this.root, 'partial');
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(dir, name);
      const stat = await fs.stat(file).catch(() => null);
      if (stat && now - stat.mtimeMs > maxAgeMs) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async open(sha256: string): Promise<{ size: number; stream: Readable } | null> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.#path(sha256), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const { size } = await handle.stat();
      // The stream owns the handle from here and closes it when it ends, fails or is destroyed.
      return { size, stream: handle.createReadStream() };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}
