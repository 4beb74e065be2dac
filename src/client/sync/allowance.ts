/**
 * How much one sync request may carry on the link the device has now. Every request has a time limit
 * (transport.ts); on a trickle of signal — a stairwell, a basement, the edge of a village — a full push
 * batch, pull page or photo chunk cannot arrive within it, and sending the same size again would time
 * out forever. So a request that timed out makes the next of its kind carry a quarter, down to a floor
 * that still fits a slow link; each request that gets through doubles it back towards the full size.
 * Held for the engine's life (the open app), not stored: a new start tries the full size again.
 */
export class Allowance {
  #current: number;

  constructor(
    readonly max: number,
    readonly min: number,
  ) {
    this.#current = max;
  }

  get current(): number {
    return this.#current;
  }

  /** After a request of this kind timed out. */
  shrink(): void {
    this.#current = Math.max(this.min, Math.floor(this.#current / 4));
  }

  /** After a request of this kind arrived. */
  grow(): void {
    this.#current = Math.min(this.max, this.#current * 2);
  }

  /** Runs one request sized by `current`: shrinks when it times out, grows when it arrives. */
  async send<T>(request: (size: number) => Promise<T>, timedOut: (error: unknown) => boolean): Promise<T> {
    let result: T;
    try {
      result = await request(this.#current);
    } catch (error) {
      if (timedOut(error)) this.shrink();
      throw error;
    }
    this.grow();
    return result;
  }
}
