import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { POSTGRES_URL, skipWithoutPostgres } from '@/test/support/backends';
import { useLocalApp } from '@/test/support/local-app';
import { startReceiver, type Receiver } from '@/test/support/webhook-receiver';

// Schedulers racing on real PostgreSQL (PGlite runs transactions one at a
// time, which would hide a missing lock): each attempt goes out once.

const CRON_SECRET = 'cron-secret-for-the-dispatcher-tests';

describe.skipIf(skipWithoutPostgres('PostgreSQL'))('concurrent schedulers on PostgreSQL', () => {
  const app = useLocalApp({ backend: POSTGRES_URL, env: { WEBHOOK_ALLOW_INSECURE: '1', CRON_SECRET } });
  let receiver: Receiver;
  let hookId: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    const res = await app.send(
      '/api/v1/webhooks',
      jsonBody('POST', ADMIN_KEY, { url: receiver.url, events: ['link.created'] }),
    );
    const hook = await res.json();
    receiver.secrets.push(hook.secret);
    hookId = hook.id;
  });
  afterAll(() => receiver.close());

  const cron = (send: typeof app.send) =>
    send('/api/cron/webhooks', { headers: bearer(CRON_SECRET) }).then((r) => r.json());
  const attempts = async () =>
    new Map(
      (
        await app
          .db()
          .query<{ id: string; attempts: number }>(
            'select id, attempts from webhook_deliveries where webhook_id = $1',
            [hookId],
          )
      ).map((row) => [row.id, row.attempts]),
    );
  const dueNow = () => app.db().query(`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`);

  it('never deliver the same attempt twice', async () => {
    receiver.behave({ mode: 'down' });
    const created = await app.send(
      '/api/v1/links/bulk',
      jsonBody('POST', ADMIN_KEY, {
        links: Array.from({ length: 40 }, () => ({ url: 'https://example.com/', slug: unique('race-') })),
      }),
    );
    expect(created.status).toBe(201);
    // 20 of the 40 failed in a row, which disabled the endpoint: an admin re-enables it.
    const enabled = await app.send(`/api/v1/webhooks/${hookId}`, jsonBody('PATCH', ADMIN_KEY, { status: 'active' }));
    expect(enabled.status).toBe(200);
    const attemptsBefore = await attempts();
    receiver.received.length = 0;
    // Slow answers widen the window in which the schedulers overlap.
    receiver.behave({ mode: 'ok', delayMs: 50 });
    await dueNow();
    const schedulers = [app.send, app.isolate(), app.isolate(), app.isolate()];
    const runs = await Promise.all(schedulers.map((send) => cron(send)));
    expect(runs.reduce((sum, run) => sum + run.claimed, 0)).toBe(40);
    expect(runs.reduce((sum, run) => sum + run.delivered, 0)).toBe(40);
    expect(runs.filter((run) => run.claimed > 0).length).toBeGreaterThan(1); // they did overlap
    expect(receiver.received).toHaveLength(40);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(40);
    // One attempt more each, every one delivered.
    const attemptsAfter = await attempts();
    expect(attemptsAfter.size).toBe(40);
    for (const [id, n] of attemptsAfter) expect(n, id).toBe(attemptsBefore.get(id)! + 1);
    const statuses = await app.db().query(`select distinct status from webhook_deliveries`);
    expect(statuses).toEqual([{ status: 'delivered' }]);
  });

  it('leave a claimed delivery alone until its lease lapses (a crashed scheduler)', async () => {
    receiver.behave({ mode: 'down' });
    await app.send(
      '/api/v1/links',
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('lease-') }),
    );
    receiver.received.length = 0;
    receiver.behave({ mode: 'ok' });
    await dueNow();
    // Claimed by a scheduler that died before recording anything.
    await app
      .db()
      .query(`update webhook_deliveries set claimed_until = now() + interval '2 minutes' where status = 'pending'`);
    expect(await cron(app.send)).toMatchObject({ claimed: 0 });
    await app
      .db()
      .query(`update webhook_deliveries set claimed_until = now() - interval '1 second' where status = 'pending'`);
    expect(await cron(app.send)).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it('send link.clicked without skipping a click whose insert committed late', async () => {
    await app.db().query(`update webhooks set status = 'disabled'`);
    const res = await app.send(
      '/api/v1/webhooks',
      jsonBody('POST', ADMIN_KEY, { url: receiver.url, events: ['link.clicked'] }),
    );
    const hook = await res.json();
    receiver.secrets.push(hook.secret);
    const linkRes = await app.send(
      '/api/v1/links',
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('late-') }),
    );
    const link = await linkRes.json();
    receiver.received.length = 0;
    receiver.behave({ mode: 'ok' });
    const nextSecond = () => app.db().query('update webhooks set clicks_sent_at = null');
    // A click batch still being written: its id is drawn, its transaction open.
    const late = new pg.Client({ connectionString: app.backendUrl() });
    await late.connect();
    try {
      await late.query('begin');
      await late.query(`insert into clicks (link_id, is_bot, country) values ($1, false, 'late')`, [link.id]);
      await app.db().query(`insert into clicks (link_id, is_bot, country) values ($1, false, 'early')`, [link.id]);
      await cron(app.send); // notes the window: up to the committed click, above the open one's id
      await nextSecond();
      expect(await cron(app.send)).toMatchObject({ delivered: 0 }); // the open transaction holds the window back
      await late.query('commit');
    } finally {
      await late.end();
    }
    // The writers of that moment have ended (writers in other databases never held it back).
    await nextSecond();
    expect(await cron(app.send)).toMatchObject({ delivered: 1 });
    const [batch] = receiver.received;
    expect(batch!.payload!.data.clicks.map((c: { country: string }) => c.country)).toEqual(['late', 'early']);
  });
});
