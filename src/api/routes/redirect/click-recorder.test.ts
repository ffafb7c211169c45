import { NeonDbError } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../db';
import { sleep } from '../../lib/time';
import { ClickRecorder, type ClickBatch, type RecorderOptions } from './click-recorder';
import type { Click } from './redirect.queries';

// The recorder on its own, with a fake writer and short timings: what it
// retries, what it drops, and how a drain that was cut off is replaced.

const click = (n: number): Click => ({
  link_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  at: new Date().toISOString(),
  country: null,
  region: null,
  city: null,
  referrer_host: null,
  browser: null,
  os: null,
  device: null,
  is_bot: false,
});

const FAST: Partial<RecorderOptions> = {
  windowMs: 1,
  budgetMs: 2_000,
  baseBackoffMs: 5,
  maxBackoffMs: 20,
  maxFailures: 3,
};

function recorder(options: Partial<RecorderOptions> = {}) {
  const dropped: { count: number; reason: string }[] = [];
  const rec = new ClickRecorder({ ...FAST, ...options, onDrop: (count, reason) => dropped.push({ count, reason }) });
  return { rec, dropped };
}

/** A writer that fails with `errors` in turn, then succeeds, remembering what it wrote. */
function writer(errors: unknown[] = []) {
  const written: ClickBatch[] = [];
  const attempts: number[] = [];
  return {
    written,
    attempts,
    write: async (batch: ClickBatch) => {
      attempts.push(Date.now());
      const error = errors.shift();
      if (error) throw error;
      written.push({ id: batch.id, clicks: [...batch.clicks] });
    },
  };
}

const unavailable = () => new DatabaseUnavailableError('down');
const permanent = () => Object.assign(new NeonDbError('value too long'), { code: '22001' });

describe('ClickRecorder', () => {
  it('writes clicks that arrive together as one batch, under one drain', async () => {
    const { rec } = recorder({ windowMs: 20 });
    const w = writer();
    const drain = rec.record(click(1), w.write, 100);
    expect(drain).toBeInstanceOf(Promise);
    expect(rec.record(click(2), w.write, 100)).toBeNull();
    await drain;
    expect(w.written.map((b) => b.clicks.length)).toEqual([2]);
    expect(rec.pending).toBe(0);
  });

  it('retries while the database is away for longer than the drop path, with growing backoff, and loses nothing', async () => {
    const waits: number[] = [];
    const { rec, dropped } = recorder({
      baseBackoffMs: 5,
      maxBackoffMs: 80,
      sleep: async (ms) => void waits.push(ms),
    });
    const w = writer(Array.from({ length: 8 }, unavailable)); // far more than maxFailures
    await rec.record(click(1), w.write, 100);
    expect(dropped).toEqual([]);
    expect(w.written).toHaveLength(1);
    expect(waits).toEqual([1, 5, 10, 20, 40, 80, 80, 80, 80]); // the window, then backoff doubling to its cap
  });

  it('retries a batch with the same id, so the database can count it once', async () => {
    const { rec } = recorder();
    const ids: string[] = [];
    let calls = 0;
    await rec.record(
      click(1),
      async (batch) => {
        ids.push(batch.id);
        if (++calls === 1) throw unavailable(); // e.g. timed out, yet it committed
      },
      100,
    );
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
  });

  it('drops a batch the database keeps refusing for another reason, after maxFailures, and goes on', async () => {
    const { rec, dropped } = recorder();
    const w = writer([permanent(), permanent(), permanent()]);
    const drain = rec.record(click(1), w.write, 100);
    await sleep(5);
    rec.record(click(2), w.write, 100); // joins the running drain
    await drain;
    expect(dropped).toEqual([{ count: 1, reason: expect.stringContaining('value too long') }]);
    expect(w.written.flatMap((b) => b.clicks.map((c) => c.link_id))).toEqual([click(2).link_id]);
  });

  it('keeps at most maxBuffered clicks: newer ones are dropped and reported once a second, batches stay whole', async () => {
    const { rec, dropped } = recorder({ maxBuffered: 3, windowMs: 30 });
    const w = writer();
    const drain = rec.record(click(1), w.write, 100);
    for (const n of [2, 3, 4, 5, 6]) rec.record(click(n), w.write, 100);
    expect(dropped).toEqual([{ count: 1, reason: 'buffer full' }]); // the first at once, the next one held back
    await drain;
    expect(dropped).toEqual([
      { count: 1, reason: 'buffer full' },
      { count: 2, reason: 'buffer full' }, // the rest, when the drain ends
    ]);
    expect(w.written.flatMap((b) => b.clicks.map((c) => c.link_id))).toEqual([1, 2, 3].map((n) => click(n).link_id));
    expect(rec.pending).toBe(0);
    rec.record(click(7), w.write, 100); // room again
    expect(rec.pending).toBe(1);
  });

  it('ends a drain after its budget, and the next click starts a new one', async () => {
    const { rec } = recorder({ budgetMs: 150, maxBackoffMs: 30 });
    let down = true;
    const written: ClickBatch[] = [];
    const write = async (batch: ClickBatch) => {
      if (down) throw unavailable();
      written.push(batch);
    };
    const started = Date.now();
    await rec.record(click(1), write, 100);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(rec.pending).toBe(1); // still buffered, not lost
    down = false;
    const next = rec.record(click(2), write, 100);
    expect(next).toBeInstanceOf(Promise); // the old drain stood down
    await next;
    expect(written.flatMap((b) => b.clicks)).toHaveLength(2);
    expect(rec.pending).toBe(0);
  });

  it('replaces a drain that was cut off mid-write (waitUntil abandoned), and writes its batch', async () => {
    const { rec } = recorder({ maxBackoffMs: 10 });
    const written: ClickBatch[] = [];
    let first = true;
    const write = (batch: ClickBatch) => {
      if (first) {
        first = false;
        return new Promise<never>(() => {}); // the platform froze this drain for good
      }
      written.push(batch);
      return Promise.resolve();
    };
    void rec.record(click(1), write, 50); // abandoned
    await sleep(20);
    expect(rec.record(click(2), write, 50)).toBeNull(); // the drain still looks alive
    await sleep(1_200); // longer than a write (50 ms) plus backoff plus a second of margin
    const replacement = rec.record(click(3), write, 50);
    expect(replacement).toBeInstanceOf(Promise);
    await replacement;
    const ids = written.flatMap((b) => b.clicks.map((c) => c.link_id));
    expect(ids.sort()).toEqual([1, 2, 3].map((n) => click(n).link_id));
  });
});
