import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { readSse } from '@/test/support/sse';
import { sendVia } from '@/test/contract/send';
import type { AddressInfo } from 'node:net';
import { createNodeServer } from '../../../server/server';
import { createApp, isolateOf } from '../../app';
import { decodeCursor, encodeCursor } from './cursor';

// The feed in one Node process: what the shared poller costs, that it stops
// with the last stream, resume across a disconnect, and database faults.
// Ordering under concurrent writers: clicks-stream.order.test.ts (PostgreSQL).
const FAST = { STREAM_POLL_MS: '100', STREAM_KEEPALIVE_MS: '300', RATE_LIMITS: 'false' };
const { env, server, db } = useLocalApp({ env: FAST });

function app(overrides: Record<string, string> = {}) {
  const instance = createApp();
  return { send: sendVia(instance, { ...env(), ...overrides }), hub: isolateOf(instance).clickHub };
}

async function makeLink(send: ReturnType<typeof app>['send'], body: Record<string, unknown> = {}) {
  const res = await send(
    '/api/v1/links',
    jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('f-'), ...body }),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

const open = (send: ReturnType<typeof app>['send'], query = '', headers: Record<string, string> = {}) =>
  send(`/api/v1/clicks/stream${query}`, { headers: bearer(ADMIN_KEY, headers) });

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('the click stream', () => {
  it('sends retry, ready, one event per click and keep-alives', async () => {
    const { send } = app();
    const link = await makeLink(send);
    const res = await open(send, `?linkId=${link.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const stream = readSse(res);
    await stream.waitForEvent('ready');
    expect(stream.retry).toBe(3000);
    for (let i = 0; i < 3; i++) await send(`/${link.slug}`, { headers: { 'User-Agent': 'Mozilla/5.0 Firefox/120.0' } });
    await stream.waitForClicks(3);
    await stream.waitForComment('keep-alive');
    const [first] = stream.clicks();
    expect(first!.data).toMatchObject({ linkId: link.id, slug: link.slug, isBot: false, browser: 'Firefox' });
    expect(Object.keys(first!.data).sort()).toEqual(
      [
        'at',
        'browser',
        'city',
        'country',
        'device',
        'id',
        'isBot',
        'linkId',
        'os',
        'referrer',
        'region',
        'slug',
      ].sort(),
    );
    const ids = stream.clicks().map((e) => e.id);
    expect(new Set(ids).size).toBe(3);
    await stream.close();
  });

  it('polls once per tick for any number of streams, and stops with the last one', async () => {
    const { send, hub } = app();
    const streams = await Promise.all(Array.from({ length: 20 }, () => open(send).then(readSse)));
    await Promise.all(streams.map((s) => s.waitForEvent('ready')));
    expect(hub.stats()).toMatchObject({ listeners: 20, polling: true });
    const before = hub.stats().polls;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const polls = hub.stats().polls - before;
    expect(polls).toBeGreaterThanOrEqual(5); // every 100 ms, give or take a loaded machine
    expect(polls).toBeLessThanOrEqual(12); // one per tick, not one per stream
    await Promise.all(streams.map((s) => s.close()));
    await until(() => hub.stats().listeners === 0);
    expect(hub.stats().polling).toBe(false);
    const after = hub.stats().polls;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(hub.stats().polls).toBe(after);
  });

  it('ends after STREAM_MAX_SECONDS and releases its listener', async () => {
    const { send, hub } = app({ STREAM_MAX_SECONDS: '1' });
    const stream = readSse(await open(send));
    await stream.waitForEvent('ready');
    expect(hub.stats().listeners).toBe(1);
    await stream.waitForEnd(3_000);
    expect(stream.comments.at(-1)).toMatch(/time limit reached/);
    expect(hub.stats()).toMatchObject({ listeners: 0, polling: false });
  });

  it('resumes with Last-Event-ID: the missed clicks, then live ones, none twice', async () => {
    const { send } = app();
    const link = await makeLink(send);
    const first = readSse(await open(send, `?linkId=${link.id}`));
    await first.waitForEvent('ready');
    for (let i = 0; i < 4; i++) await send(`/${link.slug}`);
    await first.waitForClicks(4);
    const lastId = first.lastId()!;
    await first.close();
    for (let i = 0; i < 5; i++) await send(`/${link.slug}`); // while disconnected
    const second = readSse(await open(send, `?linkId=${link.id}`, { 'Last-Event-ID': lastId }));
    await second.waitForClicks(5);
    for (let i = 0; i < 3; i++) await send(`/${link.slug}`);
    await second.waitForClicks(8);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = [...first.clicks(), ...second.clicks()].map((e) => e.data.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    await second.close();
  });

  it('filters by link, tag and bots', async () => {
    const { send } = app();
    const tagged = await makeLink(send, { tags: ['feed-a'] });
    const other = await makeLink(send);
    const byTag = readSse(await open(send, '?tag=feed-a&bots=include'));
    const botsOnly = readSse(await open(send, `?linkId=${other.id}&bots=only`));
    await Promise.all([byTag.waitForEvent('ready'), botsOnly.waitForEvent('ready')]);
    await send(`/${tagged.slug}`, { headers: { 'User-Agent': 'Mozilla/5.0 Firefox/120.0' } });
    await send(`/${tagged.slug}`, { headers: { 'User-Agent': 'curl/8.5.0' } });
    await send(`/${other.slug}`, { headers: { 'User-Agent': 'Mozilla/5.0 Firefox/120.0' } });
    await send(`/${other.slug}`, { headers: { 'User-Agent': 'curl/8.5.0' } });
    await byTag.waitForClicks(2);
    await botsOnly.waitForClicks(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(byTag.clicks().map((e) => [e.data.slug, e.data.isBot])).toEqual([
      [tagged.slug, false],
      [tagged.slug, true],
    ]);
    expect(botsOnly.clicks().map((e) => [e.data.slug, e.data.isBot])).toEqual([[other.slug, true]]);
    await Promise.all([byTag.close(), botsOnly.close()]);
  });

  it('releases its listener at once when a client of the Node server mode goes away', async () => {
    const instance = createApp();
    const hub = isolateOf(instance).clickHub;
    const node = createNodeServer({ app: instance, env: env() });
    await new Promise<void>((resolve) => node.server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(node.server.address() as AddressInfo).port}`;
      const gone = new AbortController();
      const res = await fetch(`${base}/api/v1/clicks/stream`, { headers: bearer(ADMIN_KEY), signal: gone.signal });
      const stream = readSse(res);
      await stream.waitForEvent('ready');
      expect(hub.stats()).toMatchObject({ listeners: 1, polling: true });
      gone.abort();
      await until(() => hub.stats().listeners === 0, 1_000);
      expect(hub.stats().polling).toBe(false);
    } finally {
      node.server.closeAllConnections();
      await new Promise((resolve) => node.server.close(resolve));
    }
  });

  it('sends one reset instead of more than 10,000 missed clicks, then goes on live', async () => {
    const { send } = app();
    const link = await makeLink(send);
    const first = readSse(await open(send, `?linkId=${link.id}`));
    await first.waitForEvent('ready');
    const since = first.lastId()!;
    await first.close();
    await db().query('insert into clicks (link_id, is_bot) select $1, false from generate_series(1, 10001)', [link.id]);
    const resumed = readSse(await open(send, `?linkId=${link.id}`, { 'Last-Event-ID': since }));
    await resumed.waitForEvent('reset');
    expect(resumed.clicks()).toHaveLength(0);
    const reset = resumed.events.find((e) => e.event === 'reset')!;
    expect(reset.data).toEqual({ cursor: reset.id });
    await send(`/${link.slug}`);
    await resumed.waitForClicks(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resumed.clicks()).toHaveLength(1);
    await resumed.close();
  });

  it('replays exactly 10,000 missed clicks', async () => {
    const { send } = app();
    const link = await makeLink(send);
    const first = readSse(await open(send, `?linkId=${link.id}`));
    await first.waitForEvent('ready');
    const since = first.lastId()!;
    await first.close();
    await db().query('insert into clicks (link_id, is_bot) select $1, false from generate_series(1, 10000)', [link.id]);
    const resumed = readSse(await open(send, `?linkId=${link.id}&since=${since}`));
    await resumed.waitForClicks(10_000, 20_000);
    expect(resumed.events.some((e) => e.event === 'reset')).toBe(false);
    expect(new Set(resumed.clicks().map((e) => e.data.id)).size).toBe(10_000);
    await resumed.close();
  });

  it('sends a reset for a cursor over 24 hours old', async () => {
    const { send } = app();
    const first = readSse(await open(send));
    await first.waitForEvent('ready');
    const cursor = decodeCursor(first.lastId()!)!;
    await first.close();
    const old = encodeCursor({ tx: cursor.tx - 1n, id: 0n, t: cursor.t - 25 * 3600 });
    const resumed = readSse(await open(send, '', { 'Last-Event-ID': old }));
    await resumed.waitForEvent('reset');
    await resumed.close();
  });

  it('answers a bad cursor with 422 naming it', async () => {
    const { send } = app();
    const since = await (await open(send, '?since=nope')).json();
    expect(Object.keys(since.errors)).toEqual(['since']);
    const header = await (await open(send, '', { 'Last-Event-ID': 'bm9wZQ' })).json();
    expect(Object.keys(header.errors)).toEqual(['last-event-id']);
  });
});

describe('the click stream and its database', () => {
  it('answers 503 when the database is down as the first stream opens', async () => {
    const { send, hub } = app({ DB_QUERY_TIMEOUT_MS: '500' });
    await send('/api/v1/me', { headers: bearer(ADMIN_KEY) }); // the key is verified while the database is up
    server().setFault({ mode: 'unavailable' });
    try {
      const res = await open(send);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('retry-after')).toEqual(expect.any(String));
    } finally {
      server().clearFault();
    }
    expect(hub.stats().listeners).toBe(0);
  });

  it('keeps the stream alive through a frozen database and delivers what was missed after', async () => {
    const { send } = app({ DB_QUERY_TIMEOUT_MS: '1000' });
    const writer = app();
    const link = await makeLink(writer.send);
    const stream = readSse(await open(send, `?linkId=${link.id}`));
    await stream.waitForEvent('ready');
    server().setFault({ mode: 'freeze' });
    const comments = stream.comments.length;
    const clicked = writer.send(`/${link.slug}`); // recorded once the database is back
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(stream.comments.length).toBeGreaterThan(comments); // keep-alives went on
    expect(stream.ended).toBe(false);
    server().clearFault();
    await clicked;
    await stream.waitForClicks(1);
    await stream.close();
  });
});
