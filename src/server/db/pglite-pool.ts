/**
 * A `pg.Pool` look-alike around one PGlite instance, so Kysely's PostgresDialect (and therefore the
 * very same SQL) runs on the embedded database. PGlite is a single connection: a FIFO mutex hands it
 * out, and `release()` passes it on. Transactions work because Kysely keeps the connection for the
 * whole transaction.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

type Command = PostgresQueryResult<unknown>['command'];

class Mutex {
  #locked = false;
  #waiters: (() => void)[] = [];

  async acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

export class PGlitePool implements PostgresPool {
  readonly options = {};
  readonly #mutex = new Mutex();
  #ended = false;

  constructor(readonly pglite: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.#ended) throw new Error('PGlite pool has been ended');
    await this.#mutex.acquire();
    const pglite = this.pglite;
    let released = false;
    const client = {
      async query<R>(sql: unknown, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        if (typeof sql !== 'string') throw new Error('PGlite pool: cursors are not supported');
        const result = await pglite.query<R>(sql, parameters ? [...parameters] : []);
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
      },
    };
    return client as PostgresPoolClient;
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    // Wait for the connection in use to come back, then close (flushes the data directory).
    await this.#mutex.acquire();
    await this.pglite.close();
  }
}
