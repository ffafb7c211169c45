// A fair (FIFO) mutex with a bounded wait. PGlite has a single backend
// session, so every transaction must take this lock; the wait is bounded so a
// client that holds a transaction open can stall others but never deadlock them.

export class LockTimeoutError extends Error {
  constructor(
    readonly waitedMs: number,
    readonly queued: number,
  ) {
    super(`waited ${waitedMs} ms for the single PGlite connection (${queued} ahead in the queue)`);
    this.name = 'LockTimeoutError';
  }
}

interface Waiter {
  grant: (release: () => void) => void;
  timer: NodeJS.Timeout;
}

export class FifoLock {
  #held = false;
  #queue: Waiter[] = [];

  get held(): boolean {
    return this.#held;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** Resolves with an idempotent release function, or rejects after timeoutMs. */
  acquire(timeoutMs: number): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const ahead = this.#queue.length + 1;
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(new LockTimeoutError(timeoutMs, ahead));
        }, timeoutMs),
      };
      this.#queue.push(waiter);
    });
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#queue.shift();
      if (!next) {
        this.#held = false;
        return;
      }
      // Hand over directly so a newcomer cannot jump the queue.
      clearTimeout(next.timer);
      next.grant(this.#releaser());
    };
  }
}
