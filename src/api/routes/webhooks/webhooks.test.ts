import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody } from '@/test/support/accounts';
import { CRON_SECRET, useWebhookApp } from '@/test/support/webhooks';

// Node-only: delivery to a real receiver on loopback verifying with
// `standardwebhooks`, retries (time moved in the database), disabling, the
// endpoints' own behaviour, the cron route as the scheduler.

const hooks = useWebhookApp();
const { app, admin, post, subscribe, createLink, cron, fastForward, deliveries } = hooks;

describe('webhook delivery', () => {
  it('signs link events as Standard Webhooks, after the response, each with its own id', async () => {
    const hook = await subscribe();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const link = await createLink();
    await app.send(`/api/v1/links/${link.id}`, jsonBody('PATCH', ADMIN_KEY, { title: 'Renamed' }));
    await admin(`/api/v1/links/${link.id}`, { method: 'DELETE' });
    expect(hooks.receiver.received.map((r) => r.payload?.type)).toEqual([
      'link.created',
      'link.updated',
      'link.deleted',
    ]);
    for (const r of hooks.receiver.received) {
      expect(r.verifiedWith).toEqual([hook.secret]);
      expect(r.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Math.abs(Number(r.timestamp) - Date.now() / 1000)).toBeLessThan(10);
      expect(r.payload!.data).toMatchObject({ id: link.id, slug: link.slug, shortUrl: link.shortUrl });
      expect(r.payload!.data).not.toHaveProperty('version');
      expect(Date.parse(r.payload!.timestamp)).not.toBeNaN();
    }
    expect(hooks.receiver.received[1]!.payload!.data.title).toBe('Renamed');
    expect(new Set(hooks.receiver.received.map((r) => r.id)).size).toBe(3);
    const log = await deliveries(hook.id);
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({ eventType: 'link.deleted', status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(log[0].responseExcerpt).toBe('{"ok":true}');
  });

  it('writes no event and sends nothing when no endpoint subscribes', async () => {
    await subscribe(['link.deleted']);
    const link = await createLink();
    expect(hooks.receiver.received).toHaveLength(0);
    const rows = await app.db().query(`select 1 from webhook_events where data->>'id' = $1`, [link.id]);
    expect(rows).toHaveLength(0);
  });

  it('retries a receiver that is down until it is back: every event exactly once per webhook-id', async () => {
    const hook = await subscribe(['link.created']);
    hooks.receiver.behave({ mode: 'down' });
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
    hooks.receiver.behave({ mode: 'fail', status: 503 });
    await fastForward();
    expect(await (await cron()).json()).toEqual({ claimed: 3, delivered: 0, failed: 3 });
    const [third] = await deliveries(hook.id);
    expect(third).toMatchObject({ attempts: 3, lastStatusCode: 503, responseExcerpt: 'nope' });
    const later = Date.parse(third.nextAttemptAt) - Date.now();
    expect(later).toBeGreaterThan(29 * 60_000); // the third retry waits ~30 min
    // Back: one more run delivers all, and runs after it send nothing again.
    hooks.receiver.behave({ mode: 'ok' });
    expect(await (await cron()).json()).toEqual({ claimed: 0, delivered: 0, failed: 0 }); // not due yet
    await fastForward();
    expect(await (await cron()).json()).toEqual({ claimed: 3, delivered: 3, failed: 0 });
    await fastForward();
    expect(await (await cron()).json()).toEqual({ claimed: 0, delivered: 0, failed: 0 });
    const delivered = hooks.receiver.deliveredIds();
    expect([...delivered.values()]).toEqual([1, 1, 1]);
    const ids = hooks.receiver.received.filter((r) => r.answered === 200).map((r) => r.payload!.data.id);
    expect(ids.sort()).toEqual(links.map((l) => l.id).sort());
    // The id stayed the same across the four attempts of each event.
    expect(new Set(hooks.receiver.received.map((r) => r.id)).size).toBe(3);
    const [hookNow] = [await (await admin(`/api/v1/webhooks/${hook.id}`)).json()];
    expect(hookNow).toMatchObject({ status: 'active', consecutiveFailures: 0 });
  });

  it('waits as long as Retry-After asks', async () => {
    const hook = await subscribe(['link.created']);
    hooks.receiver.behave({ mode: 'fail', status: 429, retryAfter: '3600' });
    await createLink();
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: 429 });
    expect(Date.parse(delivery.nextAttemptAt) - Date.now()).toBeGreaterThan(3_590_000);
    // As an HTTP date too; never sooner than the schedule, never later than its last step.
    const inTwoHours = new Date(Date.now() + 2 * 3600_000).toUTCString();
    hooks.receiver.behave({ mode: 'fail', status: 503, retryAfter: inTwoHours });
    await createLink();
    const [dated] = await deliveries(hook.id);
    expect(Math.abs(Date.parse(dated.nextAttemptAt) - (Date.now() + 2 * 3600_000))).toBeLessThan(5_000);
    hooks.receiver.behave({ mode: 'fail', status: 503, retryAfter: '1' });
    await createLink();
    const [soon] = await deliveries(hook.id);
    expect(Date.parse(soon.nextAttemptAt) - Date.now()).toBeGreaterThan(3_000); // the schedule's 5 s
    hooks.receiver.behave({ mode: 'fail', status: 503, retryAfter: String(7 * 86_400) });
    await createLink();
    const [capped] = await deliveries(hook.id);
    expect(Date.parse(capped.nextAttemptAt) - Date.now()).toBeLessThan(86_400_000 + 5_000);
  });

  it('counts a receiver that does not answer in time as a failure', async () => {
    const hook = await subscribe(['link.created']);
    hooks.receiver.behave({ mode: 'stall' });
    await createLink();
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(delivery.error).toMatch(/within 700 ms/);
    expect(delivery.durationMs).toBeGreaterThanOrEqual(650);
  });

  it('disables an endpoint that answers 410, with the reason, and sends it nothing more', async () => {
    const hook = await subscribe(['link.created']);
    hooks.receiver.behave({ mode: 'fail', status: 410 });
    await createLink();
    const state = await (await admin(`/api/v1/webhooks/${hook.id}`)).json();
    expect(state).toMatchObject({ status: 'disabled', disabledReason: 'The endpoint answered 410 Gone' });
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: 410, nextAttemptAt: null });
    hooks.receiver.behave({ mode: 'ok' });
    await createLink();
    expect(hooks.receiver.received).toHaveLength(1);
    const test = await post(`/api/v1/webhooks/${hook.id}/test`);
    expect(test.status).toBe(409);
    // Re-enabled by an admin: the streak starts over.
    const enabled = await app.send(`/api/v1/webhooks/${hook.id}`, jsonBody('PATCH', ADMIN_KEY, { status: 'active' }));
    expect(await enabled.json()).toMatchObject({ status: 'active', disabledReason: null, consecutiveFailures: 0 });
  });

  it('disables an endpoint after 20 failures in a row', async () => {
    const hook = await subscribe(['link.created']);
    hooks.receiver.behave({ mode: 'fail', status: 500 });
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
    hooks.receiver.behave({ mode: 'fail', status: 500 });
    await createLink();
    await app.db().query(`update webhook_deliveries set attempts = 7 where webhook_id = $1`, [hook.id]);
    await fastForward();
    await cron();
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 8, nextAttemptAt: null });
  });
});

describe('webhook endpoints', () => {
  it('ping now, answering with the delivery', async () => {
    const hook = await subscribe(['link.deleted']);
    const res = await post(`/api/v1/webhooks/${hook.id}/test`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ eventType: 'ping', status: 'delivered', lastStatusCode: 200 });
    expect(hooks.receiver.received[0]!.payload).toMatchObject({ type: 'ping', data: { webhookId: hook.id } });
  });

  it('retry a delivery with the same webhook-id', async () => {
    const hook = await subscribe(['link.created']);
    await createLink();
    const [delivery] = await deliveries(hook.id);
    const res = await post(`/api/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: delivery.id, status: 'delivered', attempts: 2 });
    expect(hooks.receiver.received.map((r) => r.id)).toEqual([delivery.eventId, delivery.eventId]);
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
    hooks.receiver.secrets.push(rotated.secret);
    await createLink();
    const [received] = hooks.receiver.received;
    expect(received!.signature.split(' ')).toHaveLength(2);
    expect(received!.verifiedWith.sort()).toEqual([hook.secret, rotated.secret].sort());
    // Past the 24 h, only the new one.
    await app.db().query(`update webhooks set previous_secret_expires_at = now() where id = $1`, [hook.id]);
    await createLink();
    expect(hooks.receiver.received[1]!.verifiedWith).toEqual([rotated.secret]);
    expect(hooks.receiver.received[1]!.signature.split(' ')).toHaveLength(1);
  });

  it('never show the secret again', async () => {
    const hook = await subscribe();
    const got = await (await admin(`/api/v1/webhooks/${hook.id}`)).json();
    expect(JSON.stringify(got)).not.toContain(hook.secret);
    const list = await (await admin('/api/v1/webhooks?limit=100')).json();
    expect(JSON.stringify(list)).not.toContain('whsec_');
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
