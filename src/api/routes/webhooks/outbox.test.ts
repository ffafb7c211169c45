import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { startReceiver, type Receiver } from '@/test/support/webhook-receiver';

// The outbox under a database outage: a link change and its event commit
// together or not at all, so nothing is lost and nothing is invented.

const CRON_SECRET = 'cron-secret-for-the-outbox-tests';
const app = useLocalApp({ env: { WEBHOOK_ALLOW_INSECURE: '1', CRON_SECRET } });

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  const res = await app.send(
    '/api/v1/webhooks',
    jsonBody('POST', ADMIN_KEY, { url: receiver.url, events: ['link.created', 'link.updated', 'link.deleted'] }),
  );
  receiver.secrets.push((await res.json()).secret);
});
afterAll(() => receiver.close());

const eventsFor = (slug: string) =>
  app
    .db()
    .query<{ type: string }>(`select type from webhook_events where data->>'slug' = $1 order by created_at`, [slug]);
const linkCount = async (slug: string) => (await app.db().query('select 1 from links where slug = $1', [slug])).length;

describe('a database outage during a link change', () => {
  it.each(['destroy', 'unavailable'] as const)('(%s) fails with 503 and leaves no event', async (mode) => {
    const slug = unique('out-');
    app.server().setFault({ mode });
    try {
      const res = await app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com', slug }));
      expect(res.status).toBe(503);
    } finally {
      app.server().clearFault();
    }
    expect(await linkCount(slug)).toBe(0);
    expect(await eventsFor(slug)).toEqual([]);
  });

  it('(freeze: the client gives up, the write commits later) commits the link with its event, delivered later', async () => {
    const fast = app.isolate({ DB_QUERY_TIMEOUT_MS: '300' });
    expect((await fast('/api/v1/me', { headers: bearer(ADMIN_KEY) })).status).toBe(200); // the key verified: only the write waits
    const slugs = [unique('frz-'), unique('frz-')];
    receiver.received.length = 0;
    app.server().setFault({ mode: 'freeze' });
    try {
      const single = fast('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com', slug: slugs[0] }));
      const bulk = fast(
        '/api/v1/links/bulk',
        jsonBody('POST', ADMIN_KEY, { links: [{ url: 'https://example.com', slug: slugs[1] }] }),
      );
      expect((await single).status).toBe(503);
      expect((await bulk).status).toBe(503);
      await app.server().waitForStats((s) => s.held >= 2, 10_000);
    } finally {
      app.server().clearFault();
    }
    await app.server().waitForStats((s) => s.held === 0 && s.running === 0);
    for (const slug of slugs) {
      expect(await linkCount(slug)).toBe(1);
      expect(await eventsFor(slug)).toEqual([{ type: 'link.created' }]);
    }
    // Nobody sent them after the response that never came: the scheduler does.
    expect(receiver.received).toHaveLength(0);
    await app.db().query(`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`);
    const run = await app.send('/api/cron/webhooks', { headers: bearer(CRON_SECRET) });
    expect(await run.json()).toMatchObject({ delivered: 2, failed: 0 });
    expect(receiver.received.map((r) => r.payload?.data.slug).sort()).toEqual([...slugs].sort());
  });

  it('on update and delete likewise: a 503 with no change has no event', async () => {
    const slug = unique('chg-');
    const created = await app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com', slug }));
    const { id } = await created.json();
    app.server().setFault({ mode: 'destroy' });
    try {
      expect((await app.send(`/api/v1/links/${id}`, jsonBody('PATCH', ADMIN_KEY, { title: 'x' }))).status).toBe(503);
      expect((await app.send(`/api/v1/links/${id}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) })).status).toBe(
        503,
      );
    } finally {
      app.server().clearFault();
    }
    expect(await linkCount(slug)).toBe(1);
    expect(await eventsFor(slug)).toEqual([{ type: 'link.created' }]);
  });
});
