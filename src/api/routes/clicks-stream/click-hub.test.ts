import { describe, expect, it } from 'vitest';
import type { Db, Row } from '../../db';
import { ClickHub } from './click-hub';

// The hub alone, with a stand-in database: what it does when a poll is lost
// (on Workers the request it ran in may end mid-query) and when the shared
// timer dies with its request.
const click = (id: number, tx = 10) => ({
  horizon: '20',
  id: String(id),
  tx: String(tx),
  linkId: 'l',
  slug: 's',
  tags: [],
  at: new Date(0),
  country: null,
  region: null,
  city: null,
  referrer: null,
  browser: null,
  os: null,
  device: null,
  isBot: false,
});

function fakeDb(answers: Array<Row[] | 'hang'>) {
  const calls = { count: 0 };
  const db: Db = {
    query: async <T>() => {
      const answer = answers[Math.min(calls.count++, answers.length - 1)]!;
      if (answer === 'hang') return new Promise<T[]>(() => {});
      return answer as T[];
    },
    batch: async () => [],
  };
  return { db: () => db, calls };
}

const hubWith = (db: () => Db, pollMs = 50) =>
  new ClickHub().configure({ db, pollMs, stuckMs: 2 * pollMs, onPollError: () => {} });

const listen = (hub: ClickHub) => {
  const seen: string[] = [];
  const stop = hub.subscribe({
    scope: { linkIds: [], tags: [], bots: 'include' },
    onReady: () => seen.push('ready'),
    onEvent: ({ click }) => seen.push(click.id),
    onReset: () => seen.push('reset'),
    onError: () => seen.push('error'),
  });
  return { seen, stop };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ClickHub', () => {
  it('starts another poll when one is lost, and delivers once', async () => {
    const { db, calls } = fakeDb([
      [{ horizon: '10', id: null }],
      'hang',
      [click(1), click(2)],
      [{ horizon: '20', id: null }],
    ]);
    const hub = hubWith(db);
    await hub.ready();
    const { seen, stop } = listen(hub);
    await sleep(400);
    stop();
    expect(calls.count).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(['ready', '1', '2']);
    expect(hub.stats()).toMatchObject({ listeners: 0, polling: false });
  });

  it('lets a stream restart a shared timer that fell silent', async () => {
    const { db, calls } = fakeDb([[{ horizon: '10', id: null }]]);
    const hub = hubWith(db, 100);
    await hub.ready();
    const realSetInterval = globalThis.setInterval;
    // The timer is set, but never fires (its request is gone).
    globalThis.setInterval = (() => ({})) as unknown as typeof setInterval;
    const { stop } = listen(hub);
    globalThis.setInterval = realSetInterval;
    const before = calls.count;
    await sleep(300);
    expect(calls.count).toBe(before); // nothing polls
    hub.poke(); // a stream's own timer
    await sleep(350);
    expect(calls.count).toBeGreaterThanOrEqual(before + 3); // the replaced timer polls again
    stop();
  });
});
