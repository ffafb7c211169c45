import type { Db, Row } from '../../db';
import { iso } from '../../lib/time';
import type { ClickRow } from '../analytics/click-rows';
import { compareCursors, encodeCursor, nowSeconds, type Cursor } from './cursor';
import { CATCH_UP_CLICKS, POLL_CLICKS } from './clicks-stream.queries';

/** One click as the feed sends it: the click list's row plus the link's slug. */
export type FeedClick = ClickRow & { slug: string };

/** What a listener wants: clicks of these links (any), with any of these tags, and which bots. */
export interface Scope {
  linkIds: string[];
  tags: string[];
  bots: 'exclude' | 'include' | 'only';
}

export interface Listener {
  scope: Scope;
  /** Resume after this position: missed clicks first (≤ 24 h, ≤ MAX_CATCH_UP), then live. */
  since?: Cursor | null;
  /** The position the listener starts from (before any event): resuming from it misses nothing. */
  onReady(cursor: string): void;
  onEvent(event: { cursor: string; click: FeedClick }): void;
  /** Too far behind to catch up: the listener goes on live from `cursor`, and missed what lies before it. */
  onReset(cursor: string): void;
  /** Catching up failed (the database): the listener is dropped; reconnecting with its cursor resumes. */
  onError(error: unknown): void;
}

export interface HubOptions {
  db: () => Db;
  pollMs: number;
  /**
   * A poll longer than this is presumed lost (on Workers, the request it ran
   * in may have ended) and the next tick starts another; whichever finishes
   * first from the same position is applied, the other dropped.
   */
  stuckMs: number;
  onPollError: (error: unknown) => void;
}

export const MAX_CATCH_UP = 10_000;
const DAY_SECONDS = 86_400;
/** At most this many clicks per poll; a full batch polls again at once. */
const POLL_BATCH = 1_000;

type Position = Pick<Cursor, 'tx' | 'id'>;
interface Entry {
  pos: Position;
  tags: string[];
  click: FeedClick;
}
interface Sub {
  listener: Listener;
  /** Delivered up to here; null until the hub knows where it stands. */
  pos: Position | null;
  /** Live clicks held while the missed ones are read. */
  buffer: Entry[] | null;
}

const later = (a: Position, b: Position) => (compareCursors(a, b) >= 0 ? a : b);
const cursorOf = (pos: Position) => encodeCursor({ ...pos, t: nowSeconds() });

function toEntry(row: Row): Entry {
  const { tx, tags, at, horizon: _, ...click } = row as Row & { tx: string; tags: string[]; at: Date | string };
  return {
    pos: { tx: BigInt(tx), id: BigInt(click.id as string) },
    tags,
    click: { ...click, at: iso(at) } as FeedClick,
  };
}

export const inScope = (scope: Scope, entry: { click: FeedClick; tags: string[] }) =>
  (scope.bots === 'include' || entry.click.isBot === (scope.bots === 'only')) &&
  (scope.linkIds.length === 0 || scope.linkIds.includes(entry.click.linkId)) &&
  (scope.tags.length === 0 || scope.tags.some((tag) => entry.tags.includes(tag)));

/**
 * One poller per isolate for every open stream: while anyone listens, one
 * query per tick reads the clicks that became final since the last one, and
 * each listener takes what its scope wants in memory. No listener, no
 * timer, no query. Hosts: the SSE route, and the Node server's WebSocket.
 */
export class ClickHub {
  #subs = new Set<Sub>();
  #options: HubOptions | null = null;
  #position: Position | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #inflight: Promise<void> | null = null;
  #inflightAt = 0;
  /** Bumped when the hub goes idle: polls started before are void. */
  #epoch = 0;
  #polls = 0;

  /** The database and pace to use (each stream passes its isolate's config; the latest wins). */
  configure(options: HubOptions): this {
    const paceChanged = this.#options?.pollMs !== options.pollMs;
    this.#options = options;
    if (paceChanged && this.#timer) {
      this.#stopTimer();
      this.#startTimer();
    }
    return this;
  }

  /** Where the hub stands, reading it first if need be: throws when the database cannot be read. */
  async ready(): Promise<void> {
    while (!this.#position) await this.#poll();
  }

  /** Listens until the returned function is called. Call `ready()` first to learn of a database outage up front. */
  subscribe(listener: Listener): () => void {
    const sub: Sub = { listener, pos: null, buffer: null };
    this.#subs.add(sub);
    if (this.#position) this.#begin(sub, this.#position);
    this.#startTimer();
    return () => {
      this.#subs.delete(sub);
      if (this.#subs.size === 0) this.#idle();
    };
  }

  /**
   * For hosts whose timers may die with the request that set them (Workers
   * tie timers to their request): each stream's own timer calls it. When the
   * shared timer has fallen silent for 1.5 intervals, it is replaced by one
   * set from the calling stream's request, which is alive.
   */
  poke(): void {
    const pollMs = this.#options?.pollMs ?? 1_000;
    if (this.#subs.size === 0 || Date.now() - this.#inflightAt <= 1.5 * pollMs) return;
    this.#stopTimer();
    this.#startTimer();
    this.#tick();
  }

  /** A host shutting down: every stream ends now (as after a database error), and its client resumes elsewhere. */
  closeAll(): void {
    for (const sub of [...this.#subs]) sub.listener.onError(new Error('the server is shutting down'));
    this.#subs.clear();
    this.#idle();
  }

  stats() {
    return { listeners: this.#subs.size, polling: this.#timer !== null, polls: this.#polls };
  }

  #startTimer() {
    if (this.#timer || !this.#options) return;
    this.#timer = setInterval(() => this.#tick(), this.#options.pollMs);
    if (!this.#position) this.#tick();
  }

  /**
   * No listener left: stop, and forget the position (and any poll under
   * way), so the next stream starts from the database's present and a
   * resuming one goes through the bounded catch-up, not hours of live polls.
   */
  #idle() {
    this.#stopTimer();
    this.#position = null;
    this.#inflight = null;
    this.#epoch++;
  }

  #stopTimer() {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #tick() {
    this.#poll().catch((error) => this.#options?.onPollError(error));
  }

  #poll(): Promise<void> {
    const options = this.#options;
    if (!options) return Promise.reject(new Error('ClickHub: configure() first'));
    if (this.#inflight && Date.now() - this.#inflightAt < options.stuckMs) return this.#inflight;
    const epoch = this.#epoch;
    this.#inflightAt = Date.now();
    this.#polls++;
    const from = this.#position;
    let promise: Promise<void> | null = null;
    const run = async () => {
      try {
        const rows = await options.db().query(POLL_CLICKS, [from?.tx.toString() ?? null, from?.id ?? 0, POLL_BATCH]);
        // Another poll (started when this one was presumed lost) got there first: its result stands.
        if (epoch !== this.#epoch || this.#position !== from) return;
        const entries = rows.filter((row) => row.id !== null).map(toEntry);
        const full = entries.length === POLL_BATCH;
        const reached = full ? entries.at(-1)!.pos : { tx: BigInt(rows[0]!.horizon as string), id: 0n };
        const position = (this.#position = from ? later(reached, from) : reached);
        for (const sub of this.#subs) {
          if (!sub.pos) this.#begin(sub, position);
          else this.#deliver(sub, entries, position);
        }
        if (full) queueMicrotask(() => this.#tick());
      } finally {
        if (this.#inflight === promise) this.#inflight = null;
      }
    };
    promise = run();
    return (this.#inflight = promise);
  }

  #deliver(sub: Sub, entries: Entry[], position: Position) {
    if (sub.buffer) {
      sub.buffer.push(...entries);
      return;
    }
    const pos = sub.pos!;
    for (const entry of entries) {
      if (compareCursors(entry.pos, pos) > 0 && inScope(sub.listener.scope, entry)) {
        sub.listener.onEvent({ cursor: encodeCursor({ ...entry.pos, t: nowSeconds() }), click: entry.click });
      }
    }
    sub.pos = later(position, pos);
  }

  #begin(sub: Sub, position: Position) {
    const { since, onReady, onReset } = sub.listener;
    if (!since || compareCursors(since, position) >= 0) {
      sub.pos = since ? { tx: since.tx, id: since.id } : position;
      onReady(since ? encodeCursor(since) : cursorOf(position));
    } else if (since.t < nowSeconds() - DAY_SECONDS) {
      sub.pos = position;
      onReset(cursorOf(position));
    } else {
      sub.pos = position;
      sub.buffer = [];
      void this.#catchUp(sub, since, position);
    }
  }

  /** Reads what a resuming listener missed up to `upper`, then hands over to the live clicks held meanwhile. */
  async #catchUp(sub: Sub, since: Cursor, upper: Position) {
    const { scope, onReady, onEvent, onReset, onError } = sub.listener;
    let rows: Row[];
    try {
      rows = await this.#options!.db().query(CATCH_UP_CLICKS, [
        since.tx.toString(),
        since.id,
        upper.tx.toString(),
        upper.id,
        scope.linkIds.length ? scope.linkIds : null,
        scope.tags.length ? scope.tags : null,
        scope.bots,
        MAX_CATCH_UP + 1,
      ]);
    } catch (error) {
      if (this.#subs.has(sub)) onError(error);
      return;
    }
    if (!this.#subs.has(sub)) return;
    if (rows.length > MAX_CATCH_UP) {
      onReset(cursorOf(upper));
    } else {
      onReady(encodeCursor(since));
      for (const entry of rows.map(toEntry)) {
        onEvent({ cursor: encodeCursor({ ...entry.pos, t: nowSeconds() }), click: entry.click });
      }
    }
    // Every tick since `upper` was buffered: after them the listener stands where the hub does.
    const held = sub.buffer ?? [];
    sub.buffer = null;
    sub.pos = upper;
    this.#deliver(sub, held, this.#position ?? upper);
  }
}
