import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../api/lib/config';
import { ADMIN_KEY, jsonBody, unique } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { startReceiver, type Receiver } from '@/test/support/webhook-receiver';
import { startWebhookScheduler } from './webhook-scheduler';

// The Node server's own scheduler: retries go out without any cron, and a
// shutdown's drain sends what is due.

const app = useLocalApp({ env: { WEBHOOK_ALLOW_INSECURE: '1' } });
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  const res = await app.send(
    '/api/v1/webhooks',
    jsonBody('POST', ADMIN_KEY, { url: receiver.url, events: ['link.created'] }),
  );
  receiver.secrets.push((await res.json()).secret);
});
afterAll(() => receiver.close());

const createLink = () =>
  app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('sch-') }));
const dueNow = () => app.db().query(`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`);

describe('the Node server’s webhook scheduler', () => {
  it('sends due retries on its own timer', async () => {
    receiver.behave({ mode: 'down' });
    await createLink();
    receiver.behave({ mode: 'ok' });
    receiver.received.length = 0;
    const scheduler = startWebhookScheduler(parseConfig(app.env()), 100);
    try {
      await dueNow();
      await receiver.waitFor((got) => got.length === 1, 5_000);
    } finally {
      await scheduler.stop();
    }
    expect(receiver.deliveredIds().size).toBe(1);
  });

  it('sends nothing once stopped; its drain sends what is due', async () => {
    receiver.behave({ mode: 'down' });
    await createLink();
    receiver.behave({ mode: 'ok' });
    receiver.received.length = 0;
    const scheduler = startWebhookScheduler(parseConfig(app.env()), 100);
    await scheduler.stop();
    await dueNow();
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received).toHaveLength(0);
    await scheduler.drain();
    expect(receiver.received).toHaveLength(1);
  });
});
