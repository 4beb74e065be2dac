import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/server/util/semaphore';

/** Resolves once the microtask queue has drained, so granted permits have run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Semaphore', () => {
  it('admits as many holders as it has permits and queues the rest in arrival order', async () => {
    const gate = new Semaphore(2);
    const order: string[] = [];
    const finish: Record<string, () => void> = {};
    const job = (name: string) =>
      gate.run(async () => {
        order.push(`start ${name}`);
        await new Promise<void>((resolve) => (finish[name] = resolve));
        order.push(`end ${name}`);
      });
    const jobs = ['a', 'b', 'c', 'd'].map(job);
    await settle();
    expect(order).toEqual(['start a', 'start b']);
    expect(gate.waiting).toBe(2);

    finish.b!();
    await settle();
    expect(order).toEqual(['start a', 'start b', 'end b', 'start c']);
    finish.a!();
    await settle();
    expect(order.slice(-2)).toEqual(['end a', 'start d']);
    finish.c!();
    finish.d!();
    await Promise.all(jobs);
    expect(gate.waiting).toBe(0);
  });

  it('returns the permit when the work fails', async () => {
    const gate = new Semaphore(1);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('refuses a permit count that is not a positive integer', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
  });
});
