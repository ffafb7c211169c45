import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, keyFor } from '@/test/support/accounts';
import { expectProblem } from '@/test/support/problem';
import { useLocalApp } from '@/test/support/local-app';
import { fromAddress, uniqueAddress } from '@/test/support/store';
import { openApiDocument } from './routes/docs';
import { createApp } from './app';

// A database outage answers 503 with Retry-After on every operation that
// needs the database, never 500: with a key this isolate has not verified
// yet (authentication itself needs the database) and with one it has.
const { send, isolate, server } = useLocalApp();

const ID = '0b9e3c55-2f77-4f3e-9d53-0b9f1c8a7d21';
const CRON_SECRET = 'cron-secret-for-the-outage-tests';
const REQUESTS: Record<string, (key: string) => [string, RequestInit]> = {
  createLink: (key) => ['/api/v1/links', jsonBody('POST', key, { url: 'https://example.com/' })],
  createLinks: (key) => ['/api/v1/links/bulk', jsonBody('POST', key, { links: [{ url: 'https://example.com/' }] })],
  listLinks: (key) => ['/api/v1/links', { headers: bearer(key) }],
  getLink: (key) => [`/api/v1/links/${ID}`, { headers: bearer(key) }],
  updateLink: (key) => [`/api/v1/links/${ID}`, jsonBody('PATCH', key, { title: 'x' })],
  deleteLink: (key) => [`/api/v1/links/${ID}`, { method: 'DELETE', headers: bearer(key) }],
  listUsers: (key) => ['/api/v1/users', { headers: bearer(key) }],
  createUser: (key) => ['/api/v1/users', jsonBody('POST', key, { email: 'outage@example.com', name: 'Out Age' })],
  getUser: (key) => [`/api/v1/users/${ID}`, { headers: bearer(key) }],
  updateUser: (key) => [`/api/v1/users/${ID}`, jsonBody('PATCH', key, { name: 'Out Age' })],
  deleteUser: (key) => [`/api/v1/users/${ID}`, { method: 'DELETE', headers: bearer(key) }],
  createApiKey: (key) => ['/api/v1/keys', jsonBody('POST', key, { name: 'outage' })],
  listApiKeys: (key) => ['/api/v1/keys', { headers: bearer(key) }],
  getApiKey: (key) => [`/api/v1/keys/${ID}`, { headers: bearer(key) }],
  revokeApiKey: (key) => [`/api/v1/keys/${ID}`, { method: 'DELETE', headers: bearer(key) }],
  getMe: (key) => ['/api/v1/me', { headers: bearer(key) }],
  createWebhook: (key) => [
    '/api/v1/webhooks',
    jsonBody('POST', key, { url: 'https://example.com/h', events: ['link.created'] }),
  ],
  listWebhooks: (key) => ['/api/v1/webhooks', { headers: bearer(key) }],
  getWebhook: (key) => [`/api/v1/webhooks/${ID}`, { headers: bearer(key) }],
  updateWebhook: (key) => [`/api/v1/webhooks/${ID}`, jsonBody('PATCH', key, { status: 'active' })],
  deleteWebhook: (key) => [`/api/v1/webhooks/${ID}`, { method: 'DELETE', headers: bearer(key) }],
  rotateWebhookSecret: (key) => [`/api/v1/webhooks/${ID}/rotate-secret`, { method: 'POST', headers: bearer(key) }],
  testWebhook: (key) => [`/api/v1/webhooks/${ID}/test`, { method: 'POST', headers: bearer(key) }],
  listWebhookDeliveries: (key) => [`/api/v1/webhooks/${ID}/deliveries`, { headers: bearer(key) }],
  retryWebhookDelivery: (key) => [
    `/api/v1/webhooks/${ID}/deliveries/${ID}/retry`,
    { method: 'POST', headers: bearer(key) },
  ],
  runWebhookCron: () => ['/api/cron/webhooks', { headers: bearer(CRON_SECRET) }],
  // Public, limited per address: a fresh one each time, so the outage (not the quota) answers.
  createReport: () => [
    '/api/v1/reports',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...fromAddress(uniqueAddress()) },
      body: JSON.stringify({ link: 'some-slug', reason: 'spam' }),
    },
  ],
  listReports: (key) => ['/api/v1/reports', { headers: bearer(key) }],
  getReport: (key) => [`/api/v1/reports/${ID}`, { headers: bearer(key) }],
  updateReport: (key) => [`/api/v1/reports/${ID}`, jsonBody('PATCH', key, { status: 'dismissed' })],
  followLink: () => ['/never-cached-slug', { redirect: 'manual' }],
  getAnalytics: (key) => ['/api/v1/analytics?groupBy=country', { headers: bearer(key) }],
  getLinkAnalytics: (key) => [`/api/v1/links/${ID}/analytics`, { headers: bearer(key) }],
  listLinkClicks: (key) => [`/api/v1/links/${ID}/clicks`, { headers: bearer(key) }],
  exportClicks: (key) => ['/api/v1/clicks/export', { headers: bearer(key) }],
  streamClicks: (key) => ['/api/v1/clicks/stream', { headers: bearer(key) }],
  createStreamTicket: (key) => ['/api/v1/clicks/stream/tickets', jsonBody('POST', key, {})],
};
// Served from what the isolate already holds when the key is verified.
const NO_DATABASE_WHEN_CACHED = new Set(['getMe', 'createStreamTicket']);

describe('a database outage', () => {
  it('covers every operation that documents 503', () => {
    const doc = openApiDocument(createApp()) as { paths: Record<string, Record<string, any>> };
    const documented = Object.values(doc.paths)
      .flatMap((item) => Object.values(item))
      .filter((op) => op.responses?.['503'] && op.operationId !== 'getHealth')
      .map((op) => op.operationId as string);
    expect(documented.sort()).toEqual(Object.keys(REQUESTS).sort());
  });

  it.each(['destroy', 'unavailable', 'freeze'] as const)(
    'answers 503 + Retry-After on every /api/v1 operation and short link (%s), then recovers',
    async (mode) => {
      const { key } = await keyFor(send, 'admin');
      // Short enough that a frozen database costs the test seconds, not minutes.
      const fast = { DB_QUERY_TIMEOUT_MS: '300', CRON_SECRET };
      const warm = isolate(fast);
      expect((await warm('/api/v1/me', { headers: bearer(key) })).status).toBe(200); // verified and cached here
      const cold = isolate(fast);
      server().setFault({ mode });
      try {
        for (const [operation, request] of Object.entries(REQUESTS)) {
          for (const [name, via] of [
            ['unverified key', cold],
            ['verified key', warm],
          ] as const) {
            const res = await via(...request(key));
            if (name === 'verified key' && NO_DATABASE_WHEN_CACHED.has(operation)) {
              expect(res.status, `${operation} (${name})`).toBe(200);
              continue;
            }
            const body = await expectProblem(res as Response, 503);
            expect(body.type, operation).toBe('urn:hop:problem:unavailable');
            expect(res.headers.get('retry-after'), `${operation} (${name})`).toMatch(/^\d+$/);
          }
        }
      } finally {
        server().clearFault();
      }
      // Requests a freeze held run now, one at a time: recovery is judged once they are through.
      await server().waitForStats((s) => s.held === 0 && s.running === 0, 20_000);
      expect((await cold('/api/v1/links', { headers: bearer(ADMIN_KEY) })).status).toBe(200);
    },
    90_000,
  );
});
