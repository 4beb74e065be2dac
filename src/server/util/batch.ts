/**
 * Loads keys asked for separately with one call: the keys asked for while the event loop finishes its
 * current turn (the requests read from the network in one poll phase, say) are loaded together by
 * `loadMany` at the next `setImmediate`. An idle server asks for one key and waits for no one; a crowd
 * of 200 devices arriving at once costs a statement or two instead of one per request. Each caller
 * gets its own key's value (or `undefined`), or the batch's error.
 */
export class BatchLoader<K, V> {
  #pending = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
  #scheduled = false;

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.#pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.#pending.set(key, [{ resolve, reject }]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const all = [...this.#pending];
    this.#pending = new Map();
    for (let i = 0; i < all.length; i += this.maxBatch) {
      const batch = all.slice(i, i + this.maxBatch);
      // Called in a `then`: a loadMany that throws before returning its promise still rejects the batch.
      Promise.resolve(batch.map(([key]) => key)).then(this.loadMany).then(
        (found) => {
          for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key));
        },
        (err: unknown) => {
          for (const [, waiters] of batch) for (const w of waiters) w.reject(err);
        },
      );
    }
  }
}
