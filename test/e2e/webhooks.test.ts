import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../src/api/db/client';
import { ADMIN_KEY, bearer, jsonBody, unique } from '../support/accounts';
import { ready, startServe } from '../support/servers';
import { startReceiver, type Receiver } from '../support/webhook-receiver';
import { E2E_ENV } from './servers';

// Webhooks on the real servers: delivered after the response (Next's after(),
// Workers' waitUntil, the Node server's tracked work), then a failed attempt
// retried by the scheduler each runtime has: the cron route on next start,
// the Cron Trigger (wrangler dev --test-scheduled: /__scheduled) on Workers,
// the process's own timer under npm run serve.

const servers = inject('servers');
const db = createDb(inject('databaseUrl'), 10_000);

const TRIGGERS: Record<string, (base: string) => Promise<void>> = {
  next: async (base) => {
    const res = await fetch(`${base}/api/cron/webhooks`, { headers: bearer(E2E_ENV.CRON_SECRET) });
    expect(res.status).toBe(200);
  },
  worker: async (base) => {
    const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    expect(res.status).toBe(200);
  },
  serve: async () => {}, // its timer runs every ~5 s
};

describe.each(Object.entries(servers))('webhooks on %s', (name, base) => {
  let receiver: Receiver;
  let hookId: string;
  beforeAll(async () => {
    receiver = await startReceiver(`/${name}`);
    const res = await fetch(
      `${base}/api/v1/webhooks`,
      jsonBody('POST', ADMIN_KEY, { url: receiver.url, events: ['link.created'] }),
    );
    expect(res.status).toBe(201);
    const hook = (await res.json()) as { id: string; secret: string };
    receiver.secrets.push(hook.secret);
    hookId = hook.id;
  });
  afterAll(async () => {
    await fetch(`${base}/api/v1/webhooks/${hookId}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
    await receiver.close();
  });

  const createLink = async () => {
    const res = await fetch(
      `${base}/api/v1/links`,
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('e2e-wh-') }),
    );
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };
  const deliveredFor = (linkId: string) =>
    receiver.received.filter((r) => r.answered === 200 && r.payload?.data.id === linkId);

  it('delivers a signed link.created after the response', async () => {
    const link = await createLink();
    await receiver.waitFor(() => deliveredFor(link.id).length === 1, 10_000);
    expect(deliveredFor(link.id)[0]!.verifiedWith).toEqual(receiver.secrets);
  });

  it('retries a failed delivery from its scheduler, exactly once', async () => {
    receiver.behave({ mode: 'fail', status: 503 });
    const link = await createLink();
    await receiver.waitFor((got) => got.some((r) => r.answered === 503), 10_000);
    receiver.behave({ mode: 'ok' });
    // The schedule's first step (~5 s) passes in a statement.
    await db.query(
      `update webhook_deliveries set next_attempt_at = now() where webhook_id = $1 and status = 'pending'`,
      [hookId],
    );
    await TRIGGERS[name]!(base);
    await receiver.waitFor(() => deliveredFor(link.id).length === 1, 15_000);
    await TRIGGERS[name]!(base);
    await new Promise((r) => setTimeout(r, 500));
    expect(deliveredFor(link.id)).toHaveLength(1);
    const ids = receiver.received.filter((r) => r.payload?.data.id === link.id).map((r) => r.id);
    expect(new Set(ids).size).toBe(1); // one webhook-id over both attempts
  });
});

describe('npm run serve at shutdown', () => {
  it('sends the deliveries that are due before it exits', async () => {
    const receiver = await startReceiver('/drain');
    const server = await startServe('serve-webhooks', { ...E2E_ENV, DATABASE_URL: inject('databaseUrl') });
    try {
      await ready(server, '/api/health');
      const hook = await fetch(
        `${server.url}/api/v1/webhooks`,
        jsonBody('POST', ADMIN_KEY, { url: receiver.url, events: ['link.created'] }),
      );
      const { id: hookId, secret } = (await hook.json()) as { id: string; secret: string };
      receiver.secrets.push(secret);
      receiver.behave({ mode: 'down' });
      const created = await fetch(
        `${server.url}/api/v1/links`,
        jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('drain-wh-') }),
      );
      const link = (await created.json()) as { id: string };
      // The first attempt failed; the retry is made due, and the process told to stop at once.
      for (let deadline = Date.now() + 5_000; Date.now() < deadline;) {
        const [row] = await db.query<{ attempts: number }>(
          'select attempts from webhook_deliveries where webhook_id = $1',
          [hookId],
        );
        if (row?.attempts === 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      receiver.behave({ mode: 'ok' });
      await db.query(`update webhook_deliveries set next_attempt_at = now() where webhook_id = $1`, [hookId]);
      const exited = new Promise<number | null>((resolve) =>
        server.process.child.once('exit', (code) => resolve(code)),
      );
      process.kill(server.process.child.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
      expect(receiver.received.filter((r) => r.answered === 200 && r.payload?.data.id === link.id)).toHaveLength(1);
      await db.query('delete from webhooks where id = $1', [hookId]);
    } finally {
      await server.process.stop();
      await receiver.close();
    }
  }, 60_000);
});
