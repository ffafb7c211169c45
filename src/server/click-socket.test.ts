import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN_KEY, jsonBody, unique } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { createApp, isolateOf } from '../api/app';
import { createNodeServer, type NodeServer } from './server';

// The feed's WebSocket in the Node server mode: a real server, the `ws`
// client, the SSE route underneath (its own tests cover ordering and scope).
const { env } = useLocalApp({ env: { STREAM_POLL_MS: '100', STREAM_KEEPALIVE_MS: '2000', RATE_LIMITS: 'false' } });
const app = createApp();
let node: NodeServer;
let base: string;

beforeAll(async () => {
  node = createNodeServer({ app, env: env() });
  await new Promise<void>((resolve) => node.server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(node.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  node.sockets.closeAll();
  node.server.closeAllConnections();
  await new Promise((resolve) => node.server.close(resolve));
});

interface Message {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** A client socket that keeps every message, its pings and how it closed. */
function connect(query = '') {
  const ws = new WebSocket(`ws://${base}/api/v1/clicks/ws${query}`);
  const messages: Message[] = [];
  let pings = 0;
  let closed: { code: number; reason: string } | null = null;
  let refused: number | null = null;
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Message));
  ws.on('ping', () => pings++);
  ws.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
  ws.on('unexpected-response', (_req, res) => {
    refused = res.statusCode ?? 0;
    ws.terminate();
  });
  ws.on('error', () => {});
  const until = async (check: () => boolean, what: string, timeoutMs = 8_000) => {
    for (const deadline = Date.now() + timeoutMs; !check(); await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > deadline) throw new Error(`${what}: not in time (${JSON.stringify(messages)})`);
    }
  };
  return {
    ws,
    messages,
    clicks: () => messages.filter((m) => m.event === 'click'),
    pings: () => pings,
    closed: () => closed as { code: number; reason: string } | null,
    refused: () => refused as number | null,
    until,
    opened: () => new Promise<void>((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject))),
  };
}

const api = (path: string, init?: RequestInit) => fetch(`http://${base}${path}`, { redirect: 'manual', ...init });

async function makeLink() {
  const res = await api(
    '/api/v1/links',
    jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('w-') }),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

async function click(slug: string, times = 1) {
  for (let i = 0; i < times; i++) {
    const res = await api(`/${slug}`, { headers: { 'User-Agent': 'Mozilla/5.0 Firefox/120.0' } });
    expect(res.status).toBe(302);
  }
  await node.work.idle(); // the click batches are written
}

async function ticketFor(linkId: string) {
  const res = await api('/api/v1/clicks/stream/tickets', jsonBody('POST', ADMIN_KEY, { linkId: [linkId] }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { ticket: string }).ticket;
}

const listeners = () => isolateOf(app).clickHub.stats().listeners;

describe('the click feed over WebSocket', () => {
  it('carries the SSE events with a ticket in the query, keep-alives as pings', async () => {
    const link = await makeLink();
    const socket = connect(`?linkId=${link.id}&ticket=${await ticketFor(link.id)}`);
    await socket.until(() => socket.messages.some((m) => m.event === 'ready'), 'ready');
    await click(link.slug, 3);
    await socket.until(() => socket.clicks().length === 3, 'three clicks');
    expect(socket.clicks()[0]!.data).toMatchObject({ linkId: link.id, slug: link.slug, browser: 'Firefox' });
    expect(new Set(socket.clicks().map((m) => m.id)).size).toBe(3);
    await socket.until(() => socket.pings() > 0, 'a keep-alive ping');
    socket.ws.close();
    // At once, not at the next keep-alive.
    await socket.until(() => listeners() === 0, 'the subscription released', 1_000);
  });

  it('takes a key in the first message and resumes by cursor with nothing missed or twice', async () => {
    const link = await makeLink();
    const first = connect(`?linkId=${link.id}`);
    await first.opened();
    first.ws.send(JSON.stringify({ key: ADMIN_KEY }));
    await first.until(() => first.messages.some((m) => m.event === 'ready'), 'ready');
    await click(link.slug);
    await first.until(() => first.clicks().length === 1, 'one click');
    const cursor = first.clicks()[0]!.id;
    first.ws.close();
    await first.until(() => listeners() === 0, 'the subscription released');

    await click(link.slug, 2); // missed while away
    const second = connect(`?linkId=${link.id}`);
    await second.opened();
    second.ws.send(JSON.stringify({ key: ADMIN_KEY, since: cursor }));
    await second.until(() => second.clicks().length === 2, 'the two missed clicks');
    await click(link.slug); // live
    await second.until(() => second.clicks().length === 3, 'then the live one');
    const ids = [cursor, ...second.clicks().map((m) => m.id)];
    expect(new Set(ids).size).toBe(4);
    second.ws.close();
    await second.until(() => listeners() === 0, 'the subscription released', 1_000);
  });

  it('refuses a bad ticket, or a key in the URL, with the HTTP answer before upgrading', async () => {
    const link = await makeLink();
    const forged = connect(`?linkId=${link.id}&ticket=not-a-ticket`);
    await forged.until(() => forged.refused() !== null, 'refused');
    expect(forged.refused()).toBe(401);
    const keyInUrl = connect(`?ticket=${ADMIN_KEY}`);
    await keyInUrl.until(() => keyInUrl.refused() !== null, 'refused');
    expect(keyInUrl.refused()).toBe(401);
    const otherScope = connect(`?ticket=${await ticketFor(link.id)}`);
    await otherScope.until(() => otherScope.refused() !== null, 'refused');
    expect(otherScope.refused()).toBe(401);
    expect(listeners()).toBe(0);
  });

  it('closes with the problem when the first message is not a working key', async () => {
    const wrong = connect();
    await wrong.opened();
    wrong.ws.send(JSON.stringify({ key: 'hop_live_wrongwrongwrongwrongwrongwrong' }));
    await wrong.until(() => wrong.closed() !== null, 'closed');
    expect(wrong.closed()!.code).toBe(1008);
    expect(wrong.messages[0]).toMatchObject({ event: 'error', data: { status: 401 } });

    const garbage = connect();
    await garbage.opened();
    garbage.ws.send('hello');
    await garbage.until(() => garbage.closed() !== null, 'closed');
    expect(garbage.closed()).toMatchObject({ code: 1008, reason: expect.stringContaining('key') });
    expect(listeners()).toBe(0);
  });

  it('closes every socket with 1001 at shutdown, releasing their subscriptions', async () => {
    const link = await makeLink();
    const socket = connect(`?linkId=${link.id}&ticket=${await ticketFor(link.id)}`);
    await socket.until(() => socket.messages.some((m) => m.event === 'ready'), 'ready');
    expect(node.sockets.size).toBe(1);
    node.sockets.closeAll();
    await socket.until(() => socket.closed() !== null, 'closed');
    expect(socket.closed()!.code).toBe(1001);
    await socket.until(() => listeners() === 0 && node.sockets.size === 0, 'released');
  });
});
