import { describe, expect, it } from 'vitest';
import { FifoLock, LockTimeoutError } from './fifo-lock';

describe('FifoLock', () => {
  it('grants in arrival order and hands over directly', async () => {
    const lock = new FifoLock();
    const order: number[] = [];
    const first = await lock.acquire(1000);
    const waiters = [1, 2, 3].map((n) =>
      lock.acquire(1000).then((release) => {
        order.push(n);
        release();
      }),
    );
    expect(lock.waiting).toBe(3);
    first();
    first(); // idempotent: a second call must not release someone else's hold
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(lock.held).toBe(false);
  });

  it('times out a waiter without disturbing the queue', async () => {
    const lock = new FifoLock();
    const hold = await lock.acquire(1000);
    const late = lock.acquire(30);
    const patient = lock.acquire(5000);
    await expect(late).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(late).rejects.toThrow('waited 30 ms for the single PGlite connection (1 ahead in the queue)');
    expect(lock.waiting).toBe(1);
    hold();
    const release = await patient;
    expect(lock.held).toBe(true);
    release();
    expect(lock.held).toBe(false);
  });
});
