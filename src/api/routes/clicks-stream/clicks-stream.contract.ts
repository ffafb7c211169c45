import { beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { ADMIN_KEY, bearer, jsonBody, keyFor, unique } from '@/test/support/accounts';
import { expectInvalid, expectUnauthorized } from '@/test/support/problem';
import { readSse } from '@/test/support/sse';
import { FIXTURE_ENV } from '@/test/fixtures/fixture-app';
import { parseConfig } from '../../lib/config';
import { scopeKey, signTicket, STREAM_TICKET_USE } from './tickets';

// The live click feed through HTTP; run in Node, the edge-runtime VM, workerd
// and the Node server mode (FIXTURE_ENV: polls every 200 ms, streams end after 4 s).

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const STREAM = '/api/v1/clicks/stream';

export function clicksStreamContract(send: Send) {
  let viewer: string;
  beforeAll(async () => {
    viewer = (await keyFor(send, 'viewer')).key;
  });

  const makeLink = async (body: Record<string, unknown> = {}) => {
    const res = await send(
      '/api/v1/links',
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/live', slug: unique('live-'), ...body }),
    );
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; slug: string };
  };
  const click = (slug: string, agent = BROWSER) =>
    send(`/${slug}`, { redirect: 'manual', headers: { 'User-Agent': agent } });
  const open = async (query: string, headers: Record<string, string> = bearer(viewer)) => {
    const res = await send(`${STREAM}${query}`, { headers });
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    return readSse(res);
  };
  const ticketFor = async (scope: Record<string, unknown> = {}) => {
    const res = await send('/api/v1/clicks/stream/tickets', jsonBody('POST', viewer, scope));
    expect(res.status).toBe(200);
    return (await res.json()) as { ticket: string; expiresAt: string; streamUrl: string };
  };

  describe('GET /api/v1/clicks/stream', () => {
    it('sends retry, a ready cursor, then one event per click with its fields', async () => {
      const link = await makeLink();
      const res = await send(`${STREAM}?linkId=${link.id}`, { headers: bearer(viewer) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-accel-buffering')).toBe('no');
      const stream = readSse(res);
      await stream.waitForEvent('ready');
      expect(stream.retry).toBe(3000);
      expect(stream.events[0]).toMatchObject({ event: 'ready', id: expect.stringMatching(/^[\w-]+$/) });
      for (let i = 0; i < 3; i++) expect((await click(link.slug)).status).toBe(302);
      await stream.waitForClicks(3);
      const events = stream.clicks();
      expect(events[0]!.data).toEqual({
        id: expect.any(String),
        linkId: link.id,
        slug: link.slug,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        country: null,
        region: null,
        city: null,
        referrer: null,
        browser: 'Firefox',
        os: 'Linux',
        device: expect.any(String),
        isBot: false,
      });
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
      await stream.waitForComment('keep-alive', 3_000);
      await stream.close();
    });

    it('keeps to its scope: links, tags and bots', async () => {
      const tag = unique('t');
      const [tagged, plain] = [await makeLink({ tags: [tag] }), await makeLink()];
      const byTag = await open(`?tag=${tag}`);
      const byLinkBots = await open(`?linkId=${plain.id}&bots=only`);
      await Promise.all([byTag.waitForEvent('ready'), byLinkBots.waitForEvent('ready')]);
      await click(tagged.slug);
      await click(tagged.slug, 'curl/8.5.0');
      await click(plain.slug);
      await click(plain.slug, 'curl/8.5.0');
      await Promise.all([byTag.waitForClicks(1), byLinkBots.waitForClicks(1)]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(byTag.clicks().map((e) => [e.data.slug, e.data.isBot])).toEqual([[tagged.slug, false]]);
      expect(byLinkBots.clicks().map((e) => [e.data.slug, e.data.isBot])).toEqual([[plain.slug, true]]);
      await Promise.all([byTag.close(), byLinkBots.close()]);
    });

    it('resumes with Last-Event-ID while clicks keep arriving: none lost, none twice', async () => {
      const link = await makeLink();
      let stream = await open(`?linkId=${link.id}`);
      await stream.waitForEvent('ready');
      const seen: string[] = [];
      const clicking = (async () => {
        for (let i = 0; i < 20; i++) await click(link.slug);
      })();
      for (let round = 0; round < 3; round++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const lastId = stream.lastId()!;
        await stream.close();
        seen.push(...stream.clicks().map((e) => e.data.id));
        stream = await open(`?linkId=${link.id}`, bearer(viewer, { 'Last-Event-ID': lastId }));
      }
      await clicking;
      await stream.waitForClicks(20 - seen.length);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await stream.close();
      seen.push(...stream.clicks().map((e) => e.data.id));
      expect(seen).toHaveLength(20);
      expect(new Set(seen).size).toBe(20);
    });

    it('takes ?since= like Last-Event-ID', async () => {
      const link = await makeLink();
      const first = await open(`?linkId=${link.id}`);
      await first.waitForEvent('ready');
      const since = first.lastId()!;
      await first.close();
      await click(link.slug);
      const resumed = await open(`?linkId=${link.id}&since=${since}`);
      await resumed.waitForClicks(1);
      await resumed.close();
    });

    it('ends cleanly after STREAM_MAX_SECONDS', async () => {
      const stream = await open('');
      await stream.waitForEnd(8_000);
      expect(stream.comments.at(-1)).toMatch(/time limit reached/);
    }, 15_000);

    it('answers a bad cursor or scope with 422 naming it', async () => {
      await expectInvalid(await send(`${STREAM}?since=nope`, { headers: bearer(viewer) }), ['since']);
      await expectInvalid(await send(STREAM, { headers: bearer(viewer, { 'Last-Event-ID': 'bm9wZQ' }) }), [
        'last-event-id',
      ]);
      await expectInvalid(await send(`${STREAM}?linkId=42`, { headers: bearer(viewer) }), ['linkId']);
      await expectInvalid(await send(`${STREAM}?bots=maybe`, { headers: bearer(viewer) }), ['bots']);
    });

    it('needs a key or a ticket, and never takes a key in the URL', async () => {
      await expectUnauthorized(await send(STREAM));
      const inUrl = await expectUnauthorized(await send(`${STREAM}?ticket=${viewer}`));
      expect(inUrl.detail).toMatch(/never accepted in a URL/);
    });
  });

  describe('stream tickets', () => {
    it('open the stream for their scope, in a URL, without a key', async () => {
      const link = await makeLink();
      const { ticket, expiresAt, streamUrl } = await ticketFor({ linkId: [link.id] });
      expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(50_000);
      expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(61_000);
      expect(streamUrl).toBe(`${STREAM}?linkId=${link.id}&ticket=${encodeURIComponent(ticket)}`);
      const stream = await open(streamUrl.slice(STREAM.length), {});
      await stream.waitForEvent('ready');
      await click(link.slug);
      await stream.waitForClicks(1);
      await stream.close();
    });

    it('refuse another scope, a forged or expired ticket, and any other operation', async () => {
      const link = await makeLink();
      const { ticket } = await ticketFor({ linkId: [link.id] });
      const wrongScope = await expectUnauthorized(await send(`${STREAM}?ticket=${ticket}`));
      expect(wrongScope.detail).toMatch(/another scope/);
      const forged = `${ticket.slice(0, -2)}${ticket.endsWith('AA') ? 'BB' : 'AA'}`;
      await expectUnauthorized(await send(`${STREAM}?linkId=${link.id}&ticket=${forged}`));
      // Signed with the fixture secret, expired a second ago (e2e servers have another secret: refused either way).
      const config = parseConfig(FIXTURE_ENV);
      const keyId = (await (await send('/api/v1/me', { headers: bearer(viewer) })).json()).key.id;
      const scope = scopeKey({ linkIds: [link.id], tags: [], bots: 'exclude' });
      const expired = await signTicket(config, { keyId, scope, use: STREAM_TICKET_USE, exp: Date.now() / 1000 - 1 });
      await expectUnauthorized(await send(`${STREAM}?linkId=${link.id}&ticket=${expired}`));
      const otherUse = await signTicket(config, { keyId, scope, use: 'webhooks', exp: Date.now() / 1000 + 60 });
      await expectUnauthorized(await send(`${STREAM}?linkId=${link.id}&ticket=${otherUse}`));
      // Elsewhere a ticket is no credential at all.
      await expectUnauthorized(await send(`/api/v1/links?ticket=${ticket}`));
      await expectUnauthorized(await send('/api/v1/links', { headers: bearer(ticket) }));
    });

    it('are refused once their key is revoked', async () => {
      const { key, keyId } = await keyFor(send, 'viewer');
      const res = await send('/api/v1/clicks/stream/tickets', jsonBody('POST', key, {}));
      const { streamUrl } = await res.json();
      expect((await send(`/api/v1/keys/${keyId}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) })).status).toBe(204);
      await expectUnauthorized(await send(streamUrl));
    });

    it('are given to viewers and up only, for a valid scope', async () => {
      await expectUnauthorized(await send('/api/v1/clicks/stream/tickets', { method: 'POST' }));
      await expectInvalid(await send('/api/v1/clicks/stream/tickets', jsonBody('POST', viewer, { linkId: ['x'] })), [
        'linkId.0',
      ]);
    });
  });
}
