import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { fromAddress, uniqueAddress } from '@/test/support/store';
import { startReceiver, type Receiver } from '@/test/support/webhook-receiver';

// Node-only: a real receiver on loopback verifying with `standardwebhooks`,
// rows read and time moved directly, the cron route as the scheduler.

const CRON_SECRET = 'cron-secret-for-the-webhook-tests';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';
const app = useLocalApp({
  env: { WEBHOOK_ALLOW_INSECURE: '1', WEBHOOK_TIMEOUT_MS: '700', CRON_SECRET },
});

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

const admin = (path: string, init: RequestInit = {}) =>
  app.send(path, { ...init, headers: { ...bearer(ADMIN_KEY), ...(init.headers as Record<string, string>) } });
const post = (path: string, body?: unknown) =>
  body === undefined ? admin(path, { method: 'POST' }) : app.send(path, jsonBody('POST', ADMIN_KEY, body));

/** A fresh endpoint on the receiver (others are disabled, so each test sees its own traffic). */
async function subscribe(events: string[] = ['link.created', 'link.updated', 'link.deleted']) {
  await app.db().query(`update webhooks set status = 'disabled'`);
  const res = await post('/api/v1/webhooks', { url: receiver.url, events, description: 'tests' });
  expect(res.status).toBe(201);
  const hook = await res.json();
  receiver.secrets.splice(0, receiver.secrets.length, hook.secret);
  return hook as { id: string; secret: string };
}
const createLink = async (slug = unique('wh-')) => {
  const res = await app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/x', slug }));
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; slug: string; shortUrl: string };
};
const cron = (secret = CRON_SECRET) => app.send('/api/cron/webhooks', { headers: bearer(secret) });
/** Makes every pending delivery due now: the retry schedule's hours pass in a statement. */
const fastForward = () =>
  app.db().query(`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`);
const deliveries = async (hookId: string) =>
  (await (await admin(`/api/v1/webhooks/${hookId}/deliveries`)).json()).items;

beforeEach(() => {
  receiver.behave({ mode: 'ok' });
  receiver.received.length = 0;
});

describe('webhook delivery', () => {
  it('signs link events as Standard Webhooks, after the response, each with its own id', async () => {
    const hook = await subscribe();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const link = await createLink();
    await app.send(`/api/v1/links/${link.id}`, jsonBody('PATCH', ADMIN_KEY, { title: 'Renamed' }));
    await admin(`/api/v1/links/${link.id}`, { method: 'DELETE' });
    expect(receiver.received.map((r) => r.payload?.type)).toEqual(['link.created', 'link.updated', 'link.deleted']);
    for (const r of receiver.received) {
      expect(r.verifiedWith).toEqual([hook.secret]);
      expect(r.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Math.abs(Number(r.timestamp) - Date.now() / 1000)).toBeLessThan(10);
      expect(r.payload!.data).toMatchObject({ id: link.id, slug: link.slug, shortUrl: link.shortUrl });
      expect(r.payload!.data).not.toHaveProperty('version');
      expect(Date.parse(r.payload!.timestamp)).not.toBeNaN();
    }
    expect(receiver.received[1]!.payload!.data.title).toBe('Renamed');
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(3);
    const log = await deliveries(hook.id);
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({ eventType: 'link.deleted', status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(log[0].responseExcerpt).toBe('{"ok":true}');
  });

  it('writes no event and sends nothing when no endpoint subscribes', async () => {
    await subscribe(['link.deleted']);
    const link = await createLink();
    expect(receiver.received).toHaveLength(0);
    const rows = await app.db().query(`select 1 from webhook_events where data->>'id' = $1`, [link.id]);
    expect(rows).toHaveLength(0);
  });

  it('retries a receiver that is down until it is back: every event exactly once per webhook-id', async () => {
    const hook = await subscribe(['link.created']);
    receiver.behave({ mode: 'down' });
    const links = [await createLink(), await createLink(), await createLink()];
    const [first] = await deliveries(hook.id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(first.error).toMatch(/connect/i);
    const wait = Date.parse(first.nextAttemptAt) - Date.now();
    expect(wait).toBeGreaterThan(2_000);
    expect(wait).toBeLessThan(6_000);
    // Still down for the next two attempts, failing with 503 on the third.
    await fastForward();
    expect(await (await cron()).json()).toEqual({ claimed: 3, delivered: 0, failed: 3 });
    receiver.behave({ mode: 'fail', status: 503 });
    await fastForward();
    expect(await (await cron()).json()).toEqual({ claimed: 3, delivered: 0, failed: 3 });
    const [third] = await deliveries(hook.id);
    expect(third).toMatchObject({ attempts: 3, lastStatusCode: 503, responseExcerpt: 'nope' });
    const later = Date.parse(third.nextAttemptAt) - Date.now();
    expect(later).toBeGreaterThan(29 * 60_000); // the third retry waits ~30 min
    // Back: one more run delivers all, and runs after it send nothing again.
    receiver.behave({ mode: 'ok' });
    expect(await (await cron()).json()).toEqual({ claimed: 0, delivered: 0, failed: 0 }); // not due yet
    await fastForward();
    expect(await (await cron()).json()).toEqual({ claimed: 3, delivered: 3, failed: 0 });
    await fastForward();
    expect(await (await cron()).json()).toEqual({ claimed: 0, delivered: 0, failed: 0 });
    const delivered = receiver.deliveredIds();
    expect([...delivered.values()]).toEqual([1, 1, 1]);
    const ids = receiver.received.filter((r) => r.answered === 200).map((r) => r.payload!.data.id);
    expect(ids.sort()).toEqual(links.map((l) => l.id).sort());
    // The id stayed the same across the four attempts of each event.
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(3);
    const [hookNow] = [await (await admin(`/api/v1/webhooks/${hook.id}`)).json()];
    expect(hookNow).toMatchObject({ status: 'active', consecutiveFailures: 0 });
  });

  it('waits as long as Retry-After asks', async () => {
    const hook = await subscribe(['link.created']);
    receiver.behave({ mode: 'fail', status: 429, retryAfter: '3600' });
    await createLink();
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: 429 });
    expect(Date.parse(delivery.nextAttemptAt) - Date.now()).toBeGreaterThan(3_590_000);
  });

  it('counts a receiver that does not answer in time as a failure', async () => {
    const hook = await subscribe(['link.created']);
    receiver.behave({ mode: 'stall' });
    await createLink();
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(delivery.error).toMatch(/within 700 ms/);
    expect(delivery.durationMs).toBeGreaterThanOrEqual(650);
  });

  it('disables an endpoint that answers 410, with the reason, and sends it nothing more', async () => {
    const hook = await subscribe(['link.created']);
    receiver.behave({ mode: 'fail', status: 410 });
    await createLink();
    const state = await (await admin(`/api/v1/webhooks/${hook.id}`)).json();
    expect(state).toMatchObject({ status: 'disabled', disabledReason: 'The endpoint answered 410 Gone' });
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: 410, nextAttemptAt: null });
    receiver.behave({ mode: 'ok' });
    await createLink();
    expect(receiver.received).toHaveLength(1);
    const test = await post(`/api/v1/webhooks/${hook.id}/test`);
    expect(test.status).toBe(409);
    // Re-enabled by an admin: the streak starts over.
    const enabled = await app.send(`/api/v1/webhooks/${hook.id}`, jsonBody('PATCH', ADMIN_KEY, { status: 'active' }));
    expect(await enabled.json()).toMatchObject({ status: 'active', disabledReason: null, consecutiveFailures: 0 });
  });

  it('disables an endpoint after 20 failures in a row', async () => {
    const hook = await subscribe(['link.created']);
    receiver.behave({ mode: 'fail', status: 500 });
    await createLink();
    await app.db().query('update webhooks set consecutive_failures = 19 where id = $1', [hook.id]);
    await createLink(); // the 21st delivery, the 20th failure in a row
    const state = await (await admin(`/api/v1/webhooks/${hook.id}`)).json();
    expect(state).toMatchObject({
      status: 'disabled',
      consecutiveFailures: 20,
      disabledReason: '20 consecutive failed deliveries',
    });
    // Its pending retries wait: a disabled endpoint is never claimed.
    await fastForward();
    expect(await (await cron()).json()).toMatchObject({ claimed: 0 });
  });

  it('gives up after the last step of the schedule', async () => {
    const hook = await subscribe(['link.created']);
    receiver.behave({ mode: 'fail', status: 500 });
    await createLink();
    await app.db().query(`update webhook_deliveries set attempts = 7 where webhook_id = $1`, [hook.id]);
    await fastForward();
    await cron();
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 8, nextAttemptAt: null });
  });
});

describe('link.exhausted', () => {
  it('is sent once, by the click that uses up the cap', async () => {
    await subscribe(['link.exhausted']);
    const slug = unique('cap-');
    const res = await app.send(
      '/api/v1/links',
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug, maxClicks: 2 }),
    );
    const link = await res.json();
    const visit = () => app.send(`/${slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
    expect((await visit()).status).toBe(302);
    expect(receiver.received).toHaveLength(0);
    expect((await visit()).status).toBe(302);
    expect((await visit()).status).toBe(410);
    expect((await app.isolate()(`/${slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } })).status).toBe(
      410,
    );
    expect(receiver.received.map((r) => r.payload?.type)).toEqual(['link.exhausted']);
    expect(receiver.received[0]!.payload!.data).toMatchObject({
      id: link.id,
      slug,
      maxClicks: 2,
      clicks: 2,
      shortUrl: link.shortUrl,
    });
  });
});

describe('link.clicked', () => {
  const visit = (slug: string) => app.send(`/${slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
  /** The 1 s spacing between an endpoint's batches, passed in a statement. */
  const nextSecond = () => app.db().query('update webhooks set clicks_sent_at = null');

  it('batches new clicks, one event a run at most, each click once, none from before the subscription', async () => {
    const link = await createLink();
    await visit(link.slug); // before: never sent
    await subscribe(['link.clicked']);
    for (let i = 0; i < 3; i++) await visit(link.slug);
    // The first run notes the window; the next sends it.
    expect(await (await cron()).json()).toMatchObject({ delivered: 0 });
    expect(await (await cron()).json()).toMatchObject({ delivered: 1 });
    await nextSecond();
    expect(await (await cron()).json()).toMatchObject({ delivered: 0 }); // nothing new
    await visit(link.slug);
    await app.send(`/${link.slug}`, { method: 'HEAD', redirect: 'manual' }); // a bot click, sent as one
    await cron(); // within the second: waits
    expect(receiver.received).toHaveLength(1);
    await nextSecond();
    await cron();
    await nextSecond();
    await cron();
    const batches = receiver.received.map((r) => r.payload!);
    expect(batches.map((b) => b.type)).toEqual(['link.clicked', 'link.clicked']);
    expect(batches.map((b) => b.data.count)).toEqual([3, 2]);
    expect(batches[0]!.data.clicks[0]).toMatchObject({ linkId: link.id, slug: link.slug, bot: false });
    expect(batches[1]!.data.clicks.map((c: { bot: boolean }) => c.bot)).toEqual([false, true]);
  });

  it('sends a large backlog in events of at most 80 clicks (under 20 KB)', async () => {
    const link = await createLink();
    await subscribe(['link.clicked']);
    await app.db().query(
      `insert into clicks (link_id, at, is_bot, country, browser, os, device, referrer_host)
       select $1, now(), false, 'DE', 'Chrome', 'Linux', 'desktop', 'news.example.com' from generate_series(1, 170)`,
      [link.id],
    );
    for (let run = 0; run < 5; run++) {
      await nextSecond();
      await cron();
    }
    const counts = receiver.received.map((r) => r.payload!.data.count);
    expect(counts).toEqual([80, 80, 10]);
    for (const r of receiver.received) expect(r.body.length).toBeLessThan(20 * 1024);
  });
});

describe('report events', () => {
  it('tell of a report filed and actioned, and of the takedown as link.updated', async () => {
    await subscribe(['report.created', 'report.updated', 'link.updated']);
    const link = await createLink();
    const filed = await app.send('/api/v1/reports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...fromAddress(uniqueAddress()) },
      body: JSON.stringify({ link: link.slug, reason: 'phishing', email: 'me@example.com' }),
    });
    expect(filed.status).toBe(202);
    const { id } = await filed.json();
    await app.send(`/api/v1/reports/${id}`, jsonBody('PATCH', ADMIN_KEY, { status: 'actioned', note: 'phish' }));
    const byType = Object.fromEntries(receiver.received.map((r) => [r.payload!.type, r.payload!.data]));
    expect(Object.keys(byType).sort()).toEqual(['link.updated', 'report.created', 'report.updated']);
    expect(byType['report.created']).toMatchObject({ id, linkId: link.id, slug: link.slug, reason: 'phishing' });
    expect(byType['report.created']).not.toHaveProperty('email');
    expect(byType['report.updated']).toMatchObject({ id, status: 'actioned', note: 'phish' });
    expect(byType['link.updated']).toMatchObject({ id: link.id, disabled: true, disabledReason: 'phishing' });
  });
});

describe('webhook endpoints', () => {
  it('ping now, answering with the delivery', async () => {
    const hook = await subscribe(['link.deleted']);
    const res = await post(`/api/v1/webhooks/${hook.id}/test`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ eventType: 'ping', status: 'delivered', lastStatusCode: 200 });
    expect(receiver.received[0]!.payload).toMatchObject({ type: 'ping', data: { webhookId: hook.id } });
  });

  it('retry a delivery with the same webhook-id', async () => {
    const hook = await subscribe(['link.created']);
    await createLink();
    const [delivery] = await deliveries(hook.id);
    const res = await post(`/api/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: delivery.id, status: 'delivered', attempts: 2 });
    expect(receiver.received.map((r) => r.id)).toEqual([delivery.eventId, delivery.eventId]);
    const missing = await post(`/api/v1/webhooks/${hook.id}/deliveries/${crypto.randomUUID()}/retry`);
    expect(missing.status).toBe(404);
  });

  it('rotate the secret: both sign for 24 h', async () => {
    const hook = await subscribe(['link.created']);
    const res = await post(`/api/v1/webhooks/${hook.id}/rotate-secret`);
    expect(res.status).toBe(200);
    const rotated = await res.json();
    expect(rotated.secret).not.toBe(hook.secret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    receiver.secrets.push(rotated.secret);
    await createLink();
    const [received] = receiver.received;
    expect(received!.signature.split(' ')).toHaveLength(2);
    expect(received!.verifiedWith.sort()).toEqual([hook.secret, rotated.secret].sort());
    // Past the 24 h, only the new one.
    await app.db().query(`update webhooks set previous_secret_expires_at = now() where id = $1`, [hook.id]);
    await createLink();
    expect(receiver.received[1]!.verifiedWith).toEqual([rotated.secret]);
    expect(receiver.received[1]!.signature.split(' ')).toHaveLength(1);
  });

  it('never show the secret again', async () => {
    const hook = await subscribe();
    const got = await (await admin(`/api/v1/webhooks/${hook.id}`)).json();
    expect(JSON.stringify(got)).not.toContain(hook.secret);
    const list = await (await admin('/api/v1/webhooks?limit=100')).json();
    expect(JSON.stringify(list)).not.toContain('whsec_');
  });
});

describe('the delivery log', () => {
  it('keeps 30 days of finished deliveries, pending ones whatever their age', async () => {
    const hook = await subscribe(['link.created']);
    await createLink();
    receiver.behave({ mode: 'fail', status: 500 });
    await createLink();
    await app
      .db()
      .query(`update webhook_deliveries set created_at = now() - interval '31 days' where webhook_id = $1`, [hook.id]);
    await app.db().query(
      `update webhook_events set created_at = now() - interval '31 days'
      where id in (select event_id from webhook_deliveries where webhook_id = $1)`,
      [hook.id],
    );
    await cron();
    const left = await deliveries(hook.id);
    expect(left.map((d: { status: string }) => d.status)).toEqual(['pending']);
    const events = await app
      .db()
      .query(`select count(*)::int as n from webhook_events where created_at < now() - interval '30 days'`);
    expect(events).toEqual([{ n: 1 }]); // the pending one's
  });
});

describe('the cron route', () => {
  it('answers 401 without CRON_SECRET, and with a wrong one', async () => {
    expect((await app.send('/api/cron/webhooks')).status).toBe(401);
    const wrong = await cron('not-the-cron-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 401 when CRON_SECRET is not set', async () => {
    const other = app.isolate({ CRON_SECRET: '' });
    expect((await other('/api/cron/webhooks', { headers: bearer('') })).status).toBe(401);
    expect((await other('/api/cron/webhooks', { headers: bearer(CRON_SECRET) })).status).toBe(401);
  });
});
