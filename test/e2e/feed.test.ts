import { describe, expect, inject, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '../support/accounts';
import { readSse } from '../support/sse';

// The live click feed on a real `next start`, `wrangler dev` and `npm run
// serve`: a stream open while another client follows a short link 50 times
// gets exactly those 50 events, and how long each took to arrive.
const servers = inject('servers');
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15';
const CLICKS = 50;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

describe.each(Object.entries(servers))('e2e live clicks: %s', (name, base) => {
  it(`delivers exactly ${CLICKS} events for ${CLICKS} clicks, within 2 s at p95`, async () => {
    const created = await fetch(
      `${base}/api/v1/links`,
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/live', slug: unique('e2e-live-') }),
    );
    expect(created.status).toBe(201);
    const link = (await created.json()) as { id: string; slug: string };
    const res = await fetch(`${base}/api/v1/clicks/stream?linkId=${link.id}`, { headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = readSse(res);
    await stream.waitForEvent('ready', 15_000);

    // Another client, one click at a time: the n-th event answers the n-th click.
    const answered: number[] = [];
    for (let i = 0; i < CLICKS; i++) {
      const click = await fetch(`${base}/${link.slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
      expect(click.status).toBe(302);
      answered.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stream.waitForClicks(CLICKS, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // nothing more comes
    await stream.close();
    if (name === 'next') {
      const page = await fetch(`${base}/live`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Live clicks');
    }

    const events = stream.clicks();
    expect(events).toHaveLength(CLICKS);
    expect(new Set(events.map((e) => e.data.id)).size).toBe(CLICKS);
    expect(events.every((e) => e.data.linkId === link.id && e.data.browser === 'Safari')).toBe(true);
    const latencies = answered.map((at, i) => events[i]!.receivedAt - at);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    console.log(`feed ${name}: click→event latency p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`);
    expect(p95).toBeLessThan(2_000);
  }, 90_000);

  // Workers tie timers and I/O to the request that made them: the stream that
  // started the isolate's poller goes away, and the other must still be fed.
  it('keeps feeding a stream after the one that started the poller has gone', async () => {
    const created = await fetch(
      `${base}/api/v1/links`,
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/live', slug: unique('e2e-live-') }),
    );
    const link = (await created.json()) as { id: string; slug: string };
    const open = async () => {
      const res = await fetch(`${base}/api/v1/clicks/stream?linkId=${link.id}`, { headers: bearer(ADMIN_KEY) });
      const stream = readSse(res);
      await stream.waitForEvent('ready', 15_000);
      return stream;
    };
    const first = await open();
    const second = await open();
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (let i = 0; i < 3; i++)
      await fetch(`${base}/${link.slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
    await second.waitForClicks(3, 10_000);
    await second.close();
    expect(second.clicks()).toHaveLength(3);
  }, 60_000);
});

// The bundled `npm run serve` (ws is a runtime dependency there, not bundled):
// the same clicks over the WebSocket, with a ticket.
describe.runIf(servers.serve)('e2e live clicks over WebSocket: serve', () => {
  it('carries every click of the ticket’s scope', async () => {
    const { default: WebSocket } = await import('ws');
    const base = servers.serve!;
    const created = await fetch(
      `${base}/api/v1/links`,
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/ws', slug: unique('e2e-ws-') }),
    );
    const link = (await created.json()) as { id: string; slug: string };
    const issued = await fetch(
      `${base}/api/v1/clicks/stream/tickets`,
      jsonBody('POST', ADMIN_KEY, { linkId: [link.id] }),
    );
    const { ticket } = (await issued.json()) as { ticket: string };
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/clicks/ws?linkId=${link.id}&ticket=${ticket}`);
    const messages: { event: string; data: { id: string; linkId: string } }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    const until = async (check: () => boolean) => {
      for (const deadline = Date.now() + 15_000; !check(); await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() > deadline) throw new Error(`not in time: ${JSON.stringify(messages)}`);
      }
    };
    await until(() => messages.some((m) => m.event === 'ready'));
    for (let i = 0; i < 10; i++) {
      const click = await fetch(`${base}/${link.slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
      expect(click.status).toBe(302);
    }
    const clicks = () => messages.filter((m) => m.event === 'click');
    await until(() => clicks().length === 10);
    expect(new Set(clicks().map((m) => m.data.id)).size).toBe(10);
    expect(clicks().every((m) => m.data.linkId === link.id)).toBe(true);
    ws.close();
  }, 60_000);
});
