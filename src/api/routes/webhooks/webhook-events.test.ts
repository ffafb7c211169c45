import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, jsonBody, unique } from '@/test/support/accounts';
import { fromAddress, uniqueAddress } from '@/test/support/store';
import { BROWSER, useWebhookApp } from '@/test/support/webhooks';

// Node-only: the events beyond a link's own writes (link.exhausted,
// link.clicked, report events) and the delivery log's retention, against a
// real receiver.

const hooks = useWebhookApp();
const { app, subscribe, createLink, cron, deliveries } = hooks;

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
    expect(hooks.receiver.received).toHaveLength(0);
    expect((await visit()).status).toBe(302);
    expect((await visit()).status).toBe(410);
    expect((await app.isolate()(`/${slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } })).status).toBe(
      410,
    );
    expect(hooks.receiver.received.map((r) => r.payload?.type)).toEqual(['link.exhausted']);
    expect(hooks.receiver.received[0]!.payload!.data).toMatchObject({
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
    expect(hooks.receiver.received).toHaveLength(1);
    await nextSecond();
    await cron();
    await nextSecond();
    await cron();
    const batches = hooks.receiver.received.map((r) => r.payload!);
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
    const counts = hooks.receiver.received.map((r) => r.payload!.data.count);
    expect(counts).toEqual([80, 80, 10]);
    for (const r of hooks.receiver.received) expect(r.body.length).toBeLessThan(20 * 1024);
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
    const byType = Object.fromEntries(hooks.receiver.received.map((r) => [r.payload!.type, r.payload!.data]));
    expect(Object.keys(byType).sort()).toEqual(['link.updated', 'report.created', 'report.updated']);
    expect(byType['report.created']).toMatchObject({ id, linkId: link.id, slug: link.slug, reason: 'phishing' });
    expect(byType['report.created']).not.toHaveProperty('email');
    expect(byType['report.updated']).toMatchObject({ id, status: 'actioned', note: 'phish' });
    expect(byType['link.updated']).toMatchObject({ id: link.id, disabled: true, disabledReason: 'phishing' });
  });
});

describe('the delivery log', () => {
  it('keeps 30 days of finished deliveries, pending ones whatever their age', async () => {
    const hook = await subscribe(['link.created']);
    await createLink();
    hooks.receiver.behave({ mode: 'fail', status: 500 });
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
