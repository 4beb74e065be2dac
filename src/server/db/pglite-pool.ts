/**
 * A `pg.Pool` look-alike around one PGlite instance, so Kysely's PostgresDialect (and therefore the
 * very same SQL) runs on the embedded database. PGlite is a single connection: a FIFO mutex hands it
 * out, and `release()` passes it on. Transactions work because Kysely keeps the connection for the
 * whole transaction.
 *
 * Large text parameters (a push batch's visit documents are one ~1 MB json parameter) are handed to PGlite as
 * UTF-8 bytes in the binary format of their type: PGlite measures the UTF-8 length of a string
 * parameter with a JavaScript loop over every character, which cost more than a tenth of a push; Node
 * encodes the same bytes natively. The value PostgreSQL receives is the same text either way.
 *
 * And the pool keeps the tables analyzed and vacuumed, as PostgreSQL's autovacuum would: PGlite has
 * none (autovacuum.ts).
 */
import type { PGlite, QueryOptions, SerializerOptions } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { Semaphore } from '../util/semaphore';
import { AUTOVACUUM_STATISTICS_TARGET, autovacuumOnce, AutovacuumSchedule, type AutovacuumOptions } from './autovacuum';

type Command = PostgresQueryResult<unknown>['command'];

/** Shorter strings go as text, as PGlite would send them (the saving only matters for large ones). */
export const BINARY_PARAM_MIN_CHARS = 4096;

const TEXT = 25;
const VARCHAR = 1043;
const JSON_OID = 114;
const JSONB = 3802;

/**
 * The binary input of text, varchar and json is the UTF-8 text itself; jsonb's is a version byte (1)
 * followed by the UTF-8 text (PostgreSQL's textrecv, varchar_recv, json_recv and jsonb_recv).
 */
export function binaryParam(text: string, oid: number): Uint8Array {
  if (oid !== JSONB) return Buffer.from(text, 'utf8');
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(text, 'utf8') + 1);
  bytes[0] = 1;
  bytes.write(text, 1, 'utf8');
  return bytes;
}

function largeTextSerializers(pglite: PGlite): SerializerOptions {
  const out: SerializerOptions = {};
  for (const oid of [TEXT, VARCHAR, JSON_OID, JSONB]) {
    out[oid] = (value: unknown) => {
      // Bytes already (the push's visit documents, visit-insert.ts) go as they are, in binary format, as
      // node-postgres sends a Buffer: for text and json that is the UTF-8 text.
      if (value instanceof Uint8Array) return value as unknown as string;
      const base = pglite.serializers[oid];
      const text: unknown = base ? base(value) : String(value);
      // PGlite sends a byte array parameter as is, in binary format.
      return (typeof text === 'string' && text.length >= BINARY_PARAM_MIN_CHARS ? binaryParam(text, oid) : text) as string;
    };
  }
  return out;
}

export class PGlitePool implements PostgresPool {
  readonly options = {};
  /** PGlite is one connection: one permit. */
  readonly #mutex = new Semaphore(1);
  #ended = false;
  readonly #options: QueryOptions;
  readonly #autovacuum: AutovacuumSchedule | null;

  /** `autovacuum: false` leaves the tables as they are (a test of what happens without it). */
  constructor(
    readonly pglite: PGlite,
    opts: { autovacuum?: AutovacuumOptions | false } = {},
  ) {
    this.#options = { serializers: largeTextSerializers(pglite) };
    const autovacuum = opts.autovacuum === false ? null : (opts.autovacuum ?? {});
    this.#autovacuum = autovacuum && new AutovacuumSchedule(() => this.#autovacuumPass(autovacuum.statisticsTarget ?? AUTOVACUUM_STATISTICS_TARGET), autovacuum);
  }

  /** One autovacuum pass, holding the connection after those already waiting for it. */
  #autovacuumPass(statisticsTarget: number): Promise<unknown> {
    return this.#mutex.run(async () => {
      if (this.#ended) return;
      await autovacuumOnce(async (sql) => (await this.pglite.query<Record<string, unknown>>(sql)).rows, statisticsTarget);
    });
  }

  async connect(): Promise<PostgresPoolClient> {
    if (this.#ended) throw new Error('PGlite pool has been ended');
    await this.#mutex.acquire();
    const pglite = this.pglite;
    const options = this.#options;
    let released = false;
    const client = {
      async query<R>(sql: unknown, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        if (typeof sql !== 'string') throw new Error('PGlite pool: cursors are not supported');
        const result = await pglite.query<R>(sql, parameters ? [...parameters] : [], options);
        const command = (result as { command?: string }).command ?? sql.trimStart().split(/\s/, 1)[0]!.toUpperCase();
        return {
          command: command as Command,
          rowCount: result.affectedRows ?? result.rows.length,
          rows: result.rows,
        };
      },
      release: () => {
        if (released) return;
        released = true;
        this.#mutex.release();
        this.#autovacuum?.used();
      },
    };
    return client as PostgresPoolClient;
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#autovacuum?.stop();
    // Wait for the connection in use to come back, then close (flushes the data directory).
    await this.#mutex.acquire();
    await this.pglite.close();
  }
}
