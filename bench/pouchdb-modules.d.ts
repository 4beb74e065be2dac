/**
 * The few parts of PouchDB 9 and express-pouchdb 4 that bench/pouchdb.ts uses: the packages ship no
 * types of their own. All of them are CommonJS modules whose `module.exports` is the default import.
 */
declare module 'pouchdb-core' {
  export interface PouchInfo {
    db_name: string;
    doc_count: number;
    update_seq: number | string;
  }
  export interface PouchBulkResult {
    ok?: boolean;
    id?: string;
    rev?: string;
    error?: string | boolean;
    reason?: string;
  }
  export interface PouchDatabase {
    bulkDocs(docs: object[]): Promise<PouchBulkResult[]>;
    info(): Promise<PouchInfo>;
    close(): Promise<void>;
    destroy(): Promise<void>;
  }
  export interface PouchReplicationResult {
    ok: boolean;
    status: string;
    docs_read: number;
    docs_written: number;
    doc_write_failures: number;
    errors: unknown[];
  }
  export interface PouchReplicationOptions {
    /** Changes read and written per batch (default 100). */
    batch_size?: number;
    /** Batches read ahead of the one being written (default 10). */
    batches_limit?: number;
  }
  export interface PouchStatic {
    new (name: string, options?: Record<string, unknown>): PouchDatabase;
    plugin(plugin: unknown): PouchStatic;
    defaults(options: Record<string, unknown>): PouchStatic;
    /** The emitter it returns is also a promise of the result (pouchdb-replication). */
    replicate(source: PouchDatabase | string, target: PouchDatabase | string, options?: PouchReplicationOptions): Promise<PouchReplicationResult>;
  }
  const PouchDB: PouchStatic;
  export default PouchDB;
}

declare module 'pouchdb-adapter-memory' {
  const plugin: unknown;
  export default plugin;
}

declare module 'pouchdb-adapter-http' {
  const plugin: unknown;
  export default plugin;
}

declare module 'pouchdb-replication' {
  const plugin: unknown;
  export default plugin;
}

declare module 'express-pouchdb' {
  import type { RequestListener } from 'node:http';
  import type { PouchStatic } from 'pouchdb-core';
  export interface ExpressPouchDBOptions {
    /** 'fullCouchDB' (the default) also writes config.json and log.txt to the working directory. */
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    overrideMode?: { include?: string[]; exclude?: string[] };
  }
  /** An express 4 application serving the CouchDB HTTP API over the databases of `PouchDB`. */
  export default function expressPouchDB(PouchDB: PouchStatic, options?: ExpressPouchDBOptions): RequestListener;
}
