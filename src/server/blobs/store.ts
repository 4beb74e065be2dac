/**
 * Where blob bytes live. The database keeps the metadata (`blobs`) and who may read them
 * (`blob_refs`); the bytes go through this small interface so an S3-compatible store can replace the
 * file system later without touching the routes.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface BlobStore {
  has(sha256: string): Promise<boolean>;
  /** Stores the bytes atomically: a reader never sees a partial blob. */
  put(sha256: string, data: Buffer): Promise<void>;
  read(sha256: string): Promise<Buffer | null>;
}

/** DATA_DIR/blobs/<first two hex digits>/<sha256>, written to a temporary file then renamed. */
export class FsBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  #path(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
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

  async read(sha256: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.#path(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}
