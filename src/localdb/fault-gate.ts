// The fault switch of the /sql path: decides, before a request runs and
// before its answer leaves, whether to go ahead, wait (freeze, slow) or fail
// (destroy, unavailable), and counts what is waiting so tests can await it.
import { EventEmitter } from 'node:events';

/** How the database misbehaves; see index.ts for what each mode looks like to the driver. */
export type Fault =
  { mode: 'destroy' } | { mode: 'unavailable' } | { mode: 'freeze' } | { mode: 'slow'; delayMs: number };

/** A fault that answers at once instead of running anything. */
export type Outage = 'destroy' | 'unavailable';

/** What the caller does next: null = go ahead; an outage = fail that way; 'closed' = the server is closing. */
export type Verdict = Outage | 'closed' | null;

/** Counters since start or the last reset, and what is in flight now. */
export interface LocalDbStats {
  /** HTTP requests to /sql: one per driver round trip (query or transaction batch). */
  sqlRequests: number;
  /** Received, held by a freeze: not yet run. */
  held: number;
  /** Received, waiting out a slow delay: not yet run. */
  delayed: number;
  /** Running on the database now. */
  running: number;
  /** Done on the database (committed or failed), answer withheld by a freeze. */
  heldReplies: number;
  /** Done on the database, whether or not the client was still there to hear it. */
  completed: number;
  /** Requests to the Upstash REST front (upstash-rest.ts): one per client round trip to the store. */
  storeRequests: number;
  /** Redis commands those requests carried. */
  storeCommands: number;
}

/** What the /sql fault gate counts itself. */
export type SqlStats = Omit<LocalDbStats, 'storeRequests' | 'storeCommands'>;

export function parseFault(value: unknown): Fault {
  const { mode, delayMs } = (value ?? {}) as { mode?: unknown; delayMs?: unknown };
  if (mode === 'destroy' || mode === 'unavailable' || mode === 'freeze') return { mode };
  if (mode === 'slow') {
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0)
      throw new TypeError('slow needs delayMs, a number of milliseconds >= 0');
    return { mode, delayMs };
  }
  throw new TypeError('mode must be destroy, unavailable, freeze or slow');
}

export class FaultGate extends EventEmitter {
  #fault: Fault | null = null;
  #held: Array<(v: Verdict) => void> = [];
  #replies: Array<(v: Verdict) => void> = [];
  #delays = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  #draining = false;
  #closed = false;
  #running = 0;
  #completed = 0;
  #requests = 0;

  constructor() {
    super();
    this.setMaxListeners(0); // every waitFor() listens while it waits
  }

  get fault(): Fault | null {
    return this.#fault;
  }

  counts(): SqlStats {
    return {
      sqlRequests: this.#requests,
      held: this.#held.length,
      delayed: this.#delays.size,
      running: this.#running,
      heldReplies: this.#replies.length,
      completed: this.#completed,
    };
  }

  /** A /sql request arrived (counted whatever its outcome). */
  received(): void {
    this.#requests++;
    this.#changed();
  }

  resetCounters(): void {
    this.#requests = 0;
    this.#completed = 0;
    this.#changed();
  }

  /** The outage to answer with right now, if any. */
  outage(): Outage | null {
    const mode = this.#fault?.mode;
    return mode === 'destroy' || mode === 'unavailable' ? mode : null;
  }

  set(fault: Fault | null): void {
    this.#fault = fault;
    if (fault?.mode !== 'freeze') {
      // Leaving a freeze: withheld answers go out (or fail, if the database "crashed" meanwhile).
      const outage = this.outage();
      for (const reply of this.#replies.splice(0)) reply(outage);
      // A crash loses what a frozen database had received but not run.
      if (outage) for (const hold of this.#held.splice(0)) hold(outage);
      else void this.#drain();
    }
    this.#changed();
  }

  /** Before a request runs. On null the request counts as running until finished() is called. */
  async admit(): Promise<Verdict> {
    if (this.#closed) return 'closed';
    if (this.#fault?.mode === 'slow' && this.#fault.delayMs > 0) await this.#sleep(this.#fault.delayMs);
    if (this.#closed) return 'closed';
    if (this.outage()) return this.outage();
    if (this.#fault?.mode === 'freeze' || this.#draining) {
      // The drain counts it as running before letting it go, so the next waits its turn.
      return new Promise((resolve) => (this.#held.push(resolve), this.#changed()));
    }
    this.#running++;
    this.#changed();
    return null;
  }

  /**
   * After a request ran; resolves when its answer may go out. A freeze withholds
   * it; an outage set meanwhile does not (as before faults had modes: the
   * database answered just before it went down).
   */
  finished(): Promise<Verdict> {
    this.#running--;
    this.#completed++;
    if (this.#fault?.mode !== 'freeze' || this.#closed) {
      this.#changed();
      return Promise.resolve(this.#closed ? 'closed' : null);
    }
    return new Promise((resolve) => (this.#replies.push(resolve), this.#changed()));
  }

  /** Resolves once counts() satisfies the predicate; rejects after timeoutMs if given. */
  waitFor(predicate: (c: SqlStats) => boolean, timeoutMs?: number): Promise<SqlStats> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const c = this.counts();
        if (!predicate(c)) return;
        cleanup();
        resolve(c);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              cleanup();
              reject(new Error(`localdb: condition not met within ${timeoutMs} ms: ${JSON.stringify(this.counts())}`));
            }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('change', check);
      };
      this.on('change', check);
      check();
    });
  }

  /** Lets every waiter go without running anything, so close() never waits on a fault. */
  close(): void {
    this.#closed = true;
    for (const d of this.#delays) (clearTimeout(d.timer), d.wake());
    for (const settle of [...this.#held.splice(0), ...this.#replies.splice(0)]) settle('closed');
    this.#changed();
  }

  // Held requests run one at a time in arrival order, later arrivals queued behind them:
  // stricter than a real server (its woken backends race) but deterministic for tests.
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      // Requests admitted before the freeze (or before the last drained one) finish first.
      while (this.#mayDrain()) {
        if (this.#running > 0) await this.#idle();
        if (!this.#mayDrain()) break;
        this.#running++;
        this.#held.shift()!(null);
        this.#changed();
        await this.#idle();
      }
    } finally {
      this.#draining = false;
    }
  }

  #mayDrain(): boolean {
    return this.#held.length > 0 && !this.#closed && this.#fault?.mode !== 'freeze' && !this.outage();
  }

  #idle(): Promise<unknown> {
    return this.waitFor((c) => c.running === 0);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => entry.wake(), ms),
        wake: () => {
          this.#delays.delete(entry);
          this.#changed();
          resolve();
        },
      };
      this.#delays.add(entry);
      this.#changed();
    });
  }

  #changed(): void {
    this.emit('change');
  }
}
