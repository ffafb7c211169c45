import { NeonDbError } from '@neondatabase/serverless';
import { DatabaseUnavailableError } from '../../db';
import { sleep } from '../../lib/time';
import type { Click } from './redirect.queries';

/** A sealed set of clicks with the id that makes writing it twice count once. */
export interface ClickBatch {
  id: string;
  clicks: Click[];
}

export type ClickWriter = (batch: ClickBatch) => Promise<unknown>;

export interface RecorderOptions {
  /** Clicks arriving within this window share one write. */
  windowMs: number;
  /** The longest one drain runs; what is left waits for the next request's drain. */
  budgetMs: number;
  maxBatch: number;
  /** Beyond this many waiting clicks new ones are dropped (and logged); batches being written stay whole. */
  maxBuffered: number;
  /** Backoff after the first failed write; it doubles up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Consecutive failures of a batch with an error that is not the database being away. */
  maxFailures: number;
  onDrop: (count: number, reason: string) => void;
  /** How the recorder waits (tests pass one that records the delays). */
  sleep: (ms: number) => Promise<void>;
}

export const RECORDER_DEFAULTS: Omit<RecorderOptions, 'onDrop'> = {
  sleep,
  windowMs: 20,
  // Workers stop waitUntil work about 30 s after the response.
  budgetMs: 20_000,
  maxBatch: 500,
  maxBuffered: 100_000,
  baseBackoffMs: 100,
  maxBackoffMs: 5_000,
  maxFailures: 5,
};

// The database is away, or two writers collided (serialization failure,
// deadlock; FLUSH_CLICKS locks rows in order, but a retry costs nothing): try again.
const TRANSIENT_SQLSTATE = new Set(['40001', '40P01']);
export const isTransient = (error: unknown) =>
  error instanceof DatabaseUnavailableError ||
  (error instanceof NeonDbError && TRANSIENT_SQLSTATE.has(error.code ?? ''));

interface Drain {
  /** Last sign of life: a drain silent for longer than `staleAfterMs` was cut off. */
  beat: number;
  staleAfterMs: number;
  writeTimeoutMs: number;
  done?: Promise<void>;
}

/**
 * Buffers clicks per isolate and writes them in batches after the response,
 * under the waitUntil of the request whose click started the drain.
 *
 * Platforms cut waitUntil work off (Workers: ~30 s after the response), and
 * a write may time out on the client yet commit later. So: each batch has an
 * id the database refuses to count twice, and stays queued until its write
 * succeeds (a retry of a committed batch is a no-op); each drain stops after
 * `budgetMs`; and a drain that has gone silent for longer than a write can
 * take is presumed dead, so the next click starts a new one, which writes
 * whatever the old one left, including the batch it was writing.
 */
export class ClickRecorder {
  #open: Click[] = [];
  #batches: ClickBatch[] = [];
  #pending = 0;
  #drain: Drain | null = null;
  // Clicks refused while the buffer is full, reported at most once a second:
  // a long outage under load must not turn into a log line per click.
  #refused = 0;
  #refusedReportedAt = 0;
  readonly #options: RecorderOptions;

  constructor(options: Partial<RecorderOptions> & Pick<RecorderOptions, 'onDrop'>) {
    this.#options = { ...RECORDER_DEFAULTS, ...options };
  }

  /** Clicks not yet written. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Buffers a click. Returns the drain to hand to waitUntil when this click
   * starts one, or null when a running drain will write it: one waitUntil
   * per batch, not per click (Next's after() is not free on the hot path).
   * `writeTimeoutMs` bounds one write, so a silent drain can be told dead.
   */
  record(click: Click, write: ClickWriter, writeTimeoutMs: number): Promise<void> | null {
    if (this.#pending >= this.#options.maxBuffered) this.#refuse();
    else {
      this.#open.push(click);
      this.#pending++;
    }
    return this.#alive() ? null : this.#start(write, writeTimeoutMs);
  }

  /**
   * Writes what waits, for a host that is about to stop: waits for the
   * running drain, then runs one more if clicks are left (one drain budget at
   * most, so a database that stays away cannot hold the host forever).
   */
  async flush(write: ClickWriter, writeTimeoutMs: number): Promise<void> {
    if (this.#alive()) await this.#drain!.done;
    if (this.#pending > 0 && !this.#alive()) await this.#start(write, writeTimeoutMs);
  }

  #alive(): boolean {
    return this.#drain !== null && Date.now() - this.#drain.beat <= this.#drain.staleAfterMs;
  }

  #start(write: ClickWriter, writeTimeoutMs: number): Promise<void> {
    const staleAfterMs = writeTimeoutMs + this.#options.maxBackoffMs + 1_000;
    const drain: Drain = { beat: Date.now(), staleAfterMs, writeTimeoutMs };
    this.#drain = drain;
    drain.done = this.#run(drain, write);
    return drain.done;
  }

  async #run(drain: Drain, write: ClickWriter): Promise<void> {
    const { windowMs, budgetMs, baseBackoffMs, maxBackoffMs, maxFailures, onDrop, sleep } = this.#options;
    const deadline = Date.now() + budgetMs;
    let attempt = 0;
    let failures = 0;
    try {
      await sleep(windowMs);
      // A write may take up to its timeout: start one only if it can end within the budget.
      while (Date.now() + drain.writeTimeoutMs < deadline) {
        this.#seal();
        const batch = this.#batches[0];
        if (!batch) break;
        drain.beat = Date.now();
        try {
          await write(batch);
          this.#remove(batch);
          attempt = failures = 0;
        } catch (error) {
          if (!isTransient(error) && ++failures >= maxFailures) {
            if (this.#remove(batch)) onDrop(batch.clicks.length, String(error));
            failures = 0;
            continue;
          }
          drain.beat = Date.now();
          await sleep(Math.min(maxBackoffMs, baseBackoffMs * 2 ** attempt++, Math.max(0, deadline - Date.now())));
        }
      }
    } finally {
      // Only the current drain stands down; a newer one has taken over otherwise.
      if (this.#drain === drain) this.#drain = null;
      if (this.#refused) {
        onDrop(this.#refused, 'buffer full');
        this.#refused = 0;
      }
    }
  }

  /** Moves buffered clicks into batches of at most maxBatch. */
  #seal() {
    while (this.#open.length) {
      this.#batches.push({ id: crypto.randomUUID(), clicks: this.#open.splice(0, this.#options.maxBatch) });
    }
  }

  #refuse() {
    this.#refused++;
    const now = Date.now();
    if (now - this.#refusedReportedAt < 1_000) return;
    this.#options.onDrop(this.#refused, 'buffer full');
    this.#refused = 0;
    this.#refusedReportedAt = now;
  }

  /** Takes a written (or dropped) batch out; false when another drain already did. */
  #remove(batch: ClickBatch): boolean {
    const index = this.#batches.indexOf(batch);
    if (index < 0) return false;
    this.#batches.splice(index, 1);
    this.#pending -= batch.clicks.length;
    return true;
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    clickRecorder: ClickRecorder;
  }
}
