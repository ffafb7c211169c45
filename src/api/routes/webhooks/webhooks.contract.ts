import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { ADMIN_KEY, bearer, jsonBody, keyFor, unique } from '@/test/support/accounts';
import { expectInvalid, expectProblem, expectUnauthorized } from '@/test/support/problem';

// Webhook endpoints through HTTP; run in Node, the edge-runtime VM and
// workerd. The endpoints point at a closed loopback port (the contract
// environment allows http on loopback): attempts fail at once, in every
// runtime, and are logged. Signatures and real receivers: webhooks.test.ts.

const CLOSED = 'http://127.0.0.1:1/hooks';

export function webhooksContract(send: Send) {
  const made: string[] = [];
  let editor: string;
  beforeAll(async () => {
    editor = (await keyFor(send, 'editor')).key;
  });
  // Other suites' link writes must not feed these endpoints.
  afterAll(async () => {
    for (const id of made) await send(`/api/v1/webhooks/${id}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
  });

  const admin = (path: string, init: RequestInit = {}) => send(path, { ...init, headers: bearer(ADMIN_KEY) });
  const create = async (body: Record<string, unknown> = {}) => {
    const res = await send(
      '/api/v1/webhooks',
      jsonBody('POST', ADMIN_KEY, { url: CLOSED, events: ['link.created'], ...body }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const hook = await res.json();
    made.push(hook.id);
    return { res, hook };
  };

  describe('POST /api/v1/webhooks', () => {
    it('subscribes, answering 201 with Location and the secret once', async () => {
      const { res, hook } = await create({ events: ['link.created', 'link.deleted'], description: 'CRM sync' });
      expect(res.headers.get('location')).toBe(`/api/v1/webhooks/${hook.id}`);
      expect(hook).toMatchObject({
        url: CLOSED,
        events: ['link.created', 'link.deleted'],
        description: 'CRM sync',
        status: 'active',
        disabledReason: null,
        consecutiveFailures: 0,
        previousSecretExpiresAt: null,
      });
      expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const got = await (await admin(`/api/v1/webhooks/${hook.id}`)).json();
      expect(got).not.toHaveProperty('secret');
      expect(got).toMatchObject({ id: hook.id, url: CLOSED });
    });

    it('is for admins only', async () => {
      await expectUnauthorized(
        (await send('/api/v1/webhooks', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{}',
        })) as Response,
      );
      const res = await send('/api/v1/webhooks', jsonBody('POST', editor, { url: CLOSED, events: ['link.created'] }));
      await expectProblem(res as Response, 403);
      await expectProblem((await send('/api/v1/webhooks', { headers: bearer(editor) })) as Response, 403);
    });

    it.each([
      ['a private address', { url: 'https://10.0.0.7/hook' }, ['url']],
      ['the metadata address', { url: 'https://169.254.169.254/latest' }, ['url']],
      ['an intranet name', { url: 'https://router.internal/hook' }, ['url']],
      ['http to a public host', { url: 'http://example.com/hook' }, ['url']],
      ['another scheme', { url: 'ftp://example.com/hook' }, ['url']],
      ['credentials in the URL', { url: 'https://user:pw@example.com/hook' }, ['url']],
      ['no events', { events: [] }, ['events']],
      ['an unknown event', { events: ['link.renamed'] }, ['events.0']],
      ['ping, which is sent on request only', { events: ['ping'] }, ['events.0']],
      ['a repeated event', { events: ['link.created', 'link.created'] }, ['events']],
      ['an unknown field', { secret: 'mine' }, ['(root)']],
    ])('refuses %s with 422 naming it', async (_, change, fields) => {
      const res = await send(
        '/api/v1/webhooks',
        jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/hook', events: ['link.created'], ...change }),
      );
      await expectInvalid(res as Response, fields);
    });
  });

  describe('GET /api/v1/webhooks', () => {
    it('pages newest first with a cursor, never showing secrets', async () => {
      for (let i = 0; i < 3; i++) await create({ description: unique('page-') });
      const first = await admin('/api/v1/webhooks?limit=2');
      expect(first.status).toBe(200);
      const page = await first.json();
      expect(page.items).toHaveLength(2);
      expect(JSON.stringify(page)).not.toContain('whsec_');
      expect(first.headers.get('link')).toContain('rel="next"');
      const second = await (await admin(`/api/v1/webhooks?limit=2&cursor=${page.nextCursor}`)).json();
      expect(second.items[0].id).not.toBe(page.items[1].id);
      await expectInvalid((await admin('/api/v1/webhooks?limit=0')) as Response, ['limit']);
      await expectInvalid((await admin('/api/v1/webhooks?cursor=nope')) as Response, ['cursor']);
    });
  });

  describe('one endpoint', () => {
    it('answers 404 for an unknown id and 422 for a malformed one', async () => {
      await expectProblem((await admin(`/api/v1/webhooks/${crypto.randomUUID()}`)) as Response, 404);
      await expectInvalid((await admin('/api/v1/webhooks/not-a-uuid')) as Response, ['id']);
    });

    it('changes by PATCH; disabling and re-enabling say why', async () => {
      const { hook } = await create();
      const patch = (body: unknown) => send(`/api/v1/webhooks/${hook.id}`, jsonBody('PATCH', ADMIN_KEY, body));
      const changed = await (await patch({ events: ['link.updated'], description: 'changed' })).json();
      expect(changed).toMatchObject({ events: ['link.updated'], description: 'changed' });
      const off = await (await patch({ status: 'disabled' })).json();
      expect(off).toMatchObject({ status: 'disabled', disabledReason: 'Disabled by an admin' });
      await expectProblem((await admin(`/api/v1/webhooks/${hook.id}/test`, { method: 'POST' })) as Response, 409);
      const on = await (await patch({ status: 'active' })).json();
      expect(on).toMatchObject({ status: 'active', disabledReason: null });
      await expectInvalid((await patch({})) as Response, ['(root)']);
      await expectInvalid((await patch({ url: 'https://192.168.1.1/' })) as Response, ['url']);
    });

    it('rotates its secret, the previous one signing for 24 h more', async () => {
      const { hook } = await create();
      const res = await admin(`/api/v1/webhooks/${hook.id}/rotate-secret`, { method: 'POST' });
      expect(res.status).toBe(200);
      const rotated = await res.json();
      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(hook.secret);
      const hours = (Date.parse(rotated.previousSecretExpiresAt) - Date.now()) / 3600_000;
      expect(hours).toBeGreaterThan(23.9);
      expect(hours).toBeLessThan(24.1);
    });

    it('is deleted, with its log', async () => {
      const { hook } = await create();
      expect((await admin(`/api/v1/webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(204);
      await expectProblem((await admin(`/api/v1/webhooks/${hook.id}`)) as Response, 404);
      await expectProblem((await admin(`/api/v1/webhooks/${hook.id}/deliveries`)) as Response, 404);
      await expectProblem((await admin(`/api/v1/webhooks/${hook.id}`, { method: 'DELETE' })) as Response, 404);
    });
  });

  describe('deliveries', () => {
    it('log a ping and a link event that could not be delivered, and retry them', async () => {
      const { hook } = await create();
      const ping = await admin(`/api/v1/webhooks/${hook.id}/test`, { method: 'POST' });
      expect(ping.status).toBe(200);
      const attempt = await ping.json();
      expect(attempt).toMatchObject({
        webhookId: hook.id,
        eventType: 'ping',
        status: 'pending',
        attempts: 1,
        lastStatusCode: null,
      });
      expect(attempt.error).toEqual(expect.any(String));
      expect(Date.parse(attempt.nextAttemptAt)).toBeGreaterThan(Date.now());

      const link = await send('/api/v1/links', jsonBody('POST', editor, { url: 'https://example.com/wh' }));
      expect(link.status).toBe(201);
      const list = await admin(`/api/v1/webhooks/${hook.id}/deliveries?limit=1`);
      const page = await list.json();
      expect(page.items).toEqual([expect.objectContaining({ eventType: 'link.created', attempts: 1 })]);
      expect(list.headers.get('link')).toContain('rel="next"');
      const rest = await (await admin(`/api/v1/webhooks/${hook.id}/deliveries?cursor=${page.nextCursor}`)).json();
      expect(rest.items.map((d: { id: string }) => d.id)).toContain(attempt.id);

      const retry = await admin(`/api/v1/webhooks/${hook.id}/deliveries/${attempt.id}/retry`, { method: 'POST' });
      expect(retry.status).toBe(200);
      expect(await retry.json()).toMatchObject({ id: attempt.id, eventId: attempt.eventId, attempts: 2 });
      const failedOnly = await (await admin(`/api/v1/webhooks/${hook.id}/deliveries?status=delivered`)).json();
      expect(failedOnly.items).toEqual([]);
    });

    it('answer 404 for a delivery of another endpoint, 422 for bad ids and filters', async () => {
      const { hook } = await create();
      const missing = await admin(`/api/v1/webhooks/${hook.id}/deliveries/${crypto.randomUUID()}/retry`, {
        method: 'POST',
      });
      await expectProblem(missing as Response, 404);
      await expectInvalid(
        (await admin(`/api/v1/webhooks/${hook.id}/deliveries/nope/retry`, { method: 'POST' })) as Response,
        ['deliveryId'],
      );
      await expectInvalid((await admin(`/api/v1/webhooks/${hook.id}/deliveries?status=lost`)) as Response, ['status']);
    });
  });

  describe('GET /api/cron/webhooks', () => {
    it('answers 401 without the cron secret', async () => {
      await expectUnauthorized((await send('/api/cron/webhooks')) as Response);
      await expectUnauthorized((await send('/api/cron/webhooks', { headers: bearer(ADMIN_KEY) })) as Response);
    });
  });
}
