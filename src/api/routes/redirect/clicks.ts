import { NeonDbError } from '@neondatabase/serverless';
import { DatabaseUnavailableError } from '../../db';

export interface Click {
  link_id: string;
  at: string;
  country: string | null;
  region: string | null;
  city: string | null;
  referrer_host: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  is_bot: boolean;
}

export type ClickWriter = (clicks: Click[]) => Promise<unknown>;

// One statement per batch: insert the clicks and add the human ones to
// links.clicks. Clicks of links deleted meanwhile are dropped with them.
export const FLUSH_CLICKS = `with input as (
    select * from jsonb_to_recordset($1::jsonb) as x(link_id uuid, at timestamptz, country text, region text,
      city text, referrer_host text, browser text, os text, device text, is_bot boolean)
  ), kept as (
    select input.* from input join links on links.id = input.link_id
  ), inserted as (
    insert into clicks (link_id, at, country, region, city, referrer_host, browser, os, device, is_bot)
    select link_id, at, country, region, city, referrer_host, browser, os, device, is_bot from kept
    returning 1
  ), counted as (
    update links set clicks = links.clicks + n.humans
    from (select link_id, count(*) as humans from kept where not is_bot group by link_id) n
    where links.id = n.link_id
    returning 1
  )
  select (select count(*) from inserted) as inserted`;

const WINDOW_MS = 20; // clicks arriving within this window share one write
const MAX_BATCH = 500;
const MAX_BUFFERED = 100_000;
const MAX_BACKOFF_MS = 5_000;
const MAX_FAILURES = 5; // for errors that are not the database being away

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A link deleted between the join and the insert: the next attempt drops its clicks.
const transient = (error: unknown) =>
  error instanceof DatabaseUnavailableError || (error instanceof NeonDbError && error.code === '23503');

/**
 * Buffers clicks per isolate and writes them in batches after the response,
 * under the waitUntil of the request whose click started the batch. While the database is away, clicks wait and are retried
 * with backoff for as long as the process (or waitUntil) lives.
 */
export class ClickRecorder {
  private buffer: Click[] = [];
  private draining: Promise<void> | null = null;

  constructor(private readonly onDrop: (count: number, reason: string) => void) {}

  /**
   * Buffers a click. Returns the drain to hand to waitUntil when this click
   * starts one, or null when a running drain will write it: one waitUntil
   * per batch, not per click (Next's after() is not free on the hot path).
   */
  record(click: Click, write: ClickWriter): Promise<void> | null {
    if (this.buffer.length >= MAX_BUFFERED) this.onDrop(this.buffer.splice(0, 1).length, 'buffer full');
    this.buffer.push(click);
    if (this.draining) return null;
    this.draining = this.drain(write);
    return this.draining;
  }

  private async drain(write: ClickWriter) {
    let attempt = 0;
    let failures = 0;
    await sleep(WINDOW_MS);
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, MAX_BATCH);
      try {
        await write(batch);
        attempt = 0;
        failures = 0;
      } catch (error) {
        if (!transient(error) && ++failures >= MAX_FAILURES) {
          this.onDrop(batch.length, String(error));
          failures = 0;
          continue;
        }
        this.buffer.unshift(...batch);
        await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt++));
      }
    }
    // In the same tick as the last emptiness check: a click pushed after it starts a new drain.
    this.draining = null;
  }
}
