import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from './accounts';
import { useLocalApp } from './local-app';
import { startReceiver, type Receiver } from './webhook-receiver';

export const CRON_SECRET = 'cron-secret-for-the-webhook-tests';
export const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';

/**
 * Node-only webhook tests: a local app that allows loopback endpoints, a real
 * receiver (reset before each test), and helpers that act through the API,
 * or move time through the database.
 */
export function useWebhookApp() {
  const app = useLocalApp({ env: { WEBHOOK_ALLOW_INSECURE: '1', WEBHOOK_TIMEOUT_MS: '700', CRON_SECRET } });
  const state = {} as { receiver: Receiver };
  beforeAll(async () => {
    state.receiver = await startReceiver();
  });
  afterAll(() => state.receiver.close());
  beforeEach(() => {
    state.receiver.behave({ mode: 'ok' });
    state.receiver.received.length = 0;
  });

  const admin = (path: string, init: RequestInit = {}) =>
    app.send(path, { ...init, headers: { ...bearer(ADMIN_KEY), ...(init.headers as Record<string, string>) } });
  const post = (path: string, body?: unknown) =>
    body === undefined ? admin(path, { method: 'POST' }) : app.send(path, jsonBody('POST', ADMIN_KEY, body));
  return {
    app,
    get receiver() {
      return state.receiver;
    },
    admin,
    post,
    /** A fresh endpoint on the receiver (others are disabled, so each test sees its own traffic). */
    async subscribe(events: string[] = ['link.created', 'link.updated', 'link.deleted']) {
      await app.db().query(`update webhooks set status = 'disabled'`);
      const res = await post('/api/v1/webhooks', { url: state.receiver.url, events, description: 'tests' });
      expect(res.status).toBe(201);
      const hook = await res.json();
      state.receiver.secrets.splice(0, state.receiver.secrets.length, hook.secret);
      return hook as { id: string; secret: string };
    },
    async createLink(slug = unique('wh-')) {
      const res = await app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/x', slug }));
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; slug: string; shortUrl: string };
    },
    cron: (secret = CRON_SECRET) => app.send('/api/cron/webhooks', { headers: bearer(secret) }),
    /** Makes every pending delivery due now: the retry schedule's hours pass in a statement. */
    fastForward: () => app.db().query(`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`),
    deliveries: async (hookId: string) => (await (await admin(`/api/v1/webhooks/${hookId}/deliveries`)).json()).items,
  };
}
