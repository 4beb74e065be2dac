import type { Kysely } from 'kysely';
import type { BlobStore } from './blobs/store';
import type { Config } from './config';
import type { Database } from './db/schema';
import type { DbKind } from './db/connect';

/** What every route module receives from `buildApp`. */
export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  dbKind: DbKind;
  /** Where blob bytes live (DATA_DIR/blobs): the blob routes and push's check of referenced photos. */
  blobs: BlobStore;
}
