import { beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { ADMIN_KEY, bearer, jsonBody, keyFor, unique } from '@/test/support/accounts';
import { expectInvalid, expectProblem, expectQuotaExceeded, rateLimits } from '@/test/support/problem';
import { fromAddress, uniqueAddress } from '@/test/support/store';

// Abuse reports and link takedown through HTTP; run in Node, the edge-runtime VM and workerd.

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';

export function reportsContract(send: Send) {
  let editor: string;
  let viewer: string;
  beforeAll(async () => {
    [editor, viewer] = await Promise.all([keyFor(send, 'editor'), keyFor(send, 'viewer')]).then((k) =>
      k.map((x) => x.key),
    );
  });

  const makeLink = async () => {
    const res = await send(
      '/api/v1/links',
      jsonBody('POST', editor, { url: 'https://example.com/reported', slug: unique('abuse-') }),
    );
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; slug: string; shortUrl: string };
  };
  const report = (body: unknown, address = uniqueAddress()) =>
    send('/api/v1/reports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...fromAddress(address) },
      body: JSON.stringify(body),
    });
  const formReport = (fields: Record<string, string>, address = uniqueAddress()) =>
    send('/api/v1/reports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', ...fromAddress(address) },
      body: new URLSearchParams(fields).toString(),
    });
  const admin = (path: string, init: RequestInit = {}) => send(path, { ...init, headers: bearer(ADMIN_KEY) });
  const visit = (slug: string, accept = 'application/json') =>
    send(`/${slug}`, { redirect: 'manual', headers: { Accept: accept, 'User-Agent': BROWSER } });

  describe('POST /api/v1/reports', () => {
    it('takes a report by short URL or slug, without a key, and answers 202 with its id', async () => {
      const link = await makeLink();
      const res = await report({ link: link.shortUrl, reason: 'phishing', details: 'Asks for my bank password.' });
      expect(res.status).toBe(202);
      const receipt = await res.json();
      expect(receipt).toEqual({ id: expect.any(String), status: 'open' });
      expect(res.headers.get('ratelimit-policy')).toBe('"reports";q=5;w=60, "reports-daily";q=20;w=86400');
      expect(rateLimits(res)).toMatchObject({ reports: { r: 4 }, 'reports-daily': { r: 19 } });
      const bySlug = await report({ link: link.slug, reason: 'spam', email: 'me@example.com' });
      expect(bySlug.status).toBe(202);

      const stored = await (await admin(`/api/v1/reports/${receipt.id}`)).json();
      expect(stored).toMatchObject({
        id: receipt.id,
        link: { id: link.id, slug: link.slug, shortUrl: link.shortUrl, disabled: false },
        reason: 'phishing',
        details: 'Asks for my bank password.',
        email: null,
        status: 'open',
        note: null,
      });
    });

    it('answers an unknown link, or a bad field, with 422', async () => {
      await expectInvalid(await report({ link: 'no-such-link-here', reason: 'spam' }), ['link']);
      await expectInvalid(await report({ link: 'https://example.com/a/b/c', reason: 'spam' }), ['link']);
      const link = await makeLink();
      await expectInvalid(await report({ link: link.slug, reason: 'boring' }), ['reason']);
      await expectInvalid(await report({ link: link.slug, reason: 'spam', details: 'x'.repeat(2001) }), ['details']);
      await expectInvalid(await report({ link: link.slug, reason: 'spam', email: 'not-an-email' }), ['email']);
      await expectInvalid(await report({ link: link.slug, reason: 'spam', extra: 1 }), ['(root)']);
      await expectProblem(
        await send('/api/v1/reports', { method: 'POST', body: 'link=x', headers: { 'Content-Type': 'text/plain' } }),
        415,
      );
    });

    it('accepts a filled honeypot with 202 and stores nothing', async () => {
      const link = await makeLink();
      const res = await report({ link: link.slug, reason: 'spam', homepage: 'https://spam.example' });
      expect(res.status).toBe(202);
      const { id } = await res.json();
      await expectProblem(await admin(`/api/v1/reports/${id}`), 404);
    });

    it('limits each client address to 5 reports a minute: the sixth gets 429', async () => {
      const link = await makeLink();
      const address = uniqueAddress();
      for (let i = 0; i < 5; i++) expect((await report({ link: link.slug, reason: 'spam' }, address)).status).toBe(202);
      const sixth = await report({ link: link.slug, reason: 'spam' }, address);
      await expectQuotaExceeded(sixth, ['reports']);
      // Both quotas are counted in the same round trip: the refused one still counts against the day.
      expect(rateLimits(sixth)['reports-daily']).toMatchObject({ r: 14 });
      expect((await report({ link: link.slug, reason: 'spam' })).status).toBe(202); // another address
    });

    it('answers an HTML form with a page, with the same status', async () => {
      const link = await makeLink();
      const ok = await formReport({ link: link.shortUrl, reason: 'malware', details: '', email: '', homepage: '' });
      expect(ok.status).toBe(202);
      expect(ok.headers.get('content-type')).toMatch(/^text\/html/);
      const page = await ok.text();
      expect(page).toContain('Report received');
      expect(page).toMatch(/Reference: [0-9a-f-]{36}/);
      const bad = await formReport({ link: 'nope-nope-nope', reason: 'spam' });
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain('There is no short link /nope-nope-nope');
      const address = uniqueAddress();
      for (let i = 0; i < 5; i++) await formReport({ link: link.slug, reason: 'spam' }, address);
      const limited = await formReport({ link: link.slug, reason: 'spam' }, address);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.text()).toContain('Too many reports');
    });
  });

  describe('resolving reports', () => {
    it('lists reports for admins only, newest first, by status, a page at a time', async () => {
      const link = await makeLink();
      for (const reason of ['spam', 'other', 'malware']) await report({ link: link.slug, reason });
      await expectProblem(await send('/api/v1/reports', { headers: bearer(editor) }), 403);
      const page = await (await admin('/api/v1/reports?status=open&limit=2')).json();
      expect(page.items).toHaveLength(2);
      expect(page.items.every((r: { status: string }) => r.status === 'open')).toBe(true);
      expect(page.nextCursor).toEqual(expect.any(String));
      const next = await (await admin(`/api/v1/reports?status=open&limit=2&cursor=${page.nextCursor}`)).json();
      expect(next.items[0].id).not.toBe(page.items[1].id);
      await expectInvalid(await admin('/api/v1/reports?status=closed'), ['status']);
    });

    it('dismisses a report with a note; the link stays up', async () => {
      const link = await makeLink();
      const { id } = await (await report({ link: link.slug, reason: 'spam' })).json();
      const res = await send(
        `/api/v1/reports/${id}`,
        jsonBody('PATCH', ADMIN_KEY, { status: 'dismissed', note: 'ok' }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'dismissed', note: 'ok', link: { disabled: false } });
      expect((await visit(link.slug)).status).toBe(302);
      await expectProblem(
        await send(`/api/v1/reports/${crypto.randomUUID()}`, jsonBody('PATCH', ADMIN_KEY, { status: 'open' })),
        404,
      );
    });

    it('actioning a report disables its link: 451 for illegal content, at once, page or problem', async () => {
      const link = await makeLink();
      expect((await visit(link.slug)).status).toBe(302); // cached as enabled
      const { id } = await (await report({ link: link.slug, reason: 'illegal' })).json();
      const res = await send(`/api/v1/reports/${id}`, jsonBody('PATCH', ADMIN_KEY, { status: 'actioned' }));
      expect(await res.json()).toMatchObject({ status: 'actioned', link: { disabled: true } });
      const problem = await visit(link.slug);
      const body = await expectProblem(problem, 451);
      expect(body.type).toBe('urn:hop:problem:unavailable-for-legal-reasons');
      const page = await visit(link.slug, 'text/html');
      expect(page.status).toBe(451);
      expect(await page.text()).toContain('Unavailable for legal reasons');
      const shown = await (await send(`/api/v1/links/${link.id}`, { headers: bearer(viewer) })).json();
      expect(shown).toMatchObject({ disabled: true, disabledReason: 'illegal', clicks: 1 }); // the visit before
    });
  });

  describe('taking links down', () => {
    it('editors disable a link (410, no clicks counted) and enable it again', async () => {
      const link = await makeLink();
      expect((await visit(link.slug)).status).toBe(302);
      await expectProblem(await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', viewer, { disabled: true })), 403);
      const off = await send(
        `/api/v1/links/${link.id}`,
        jsonBody('PATCH', editor, { disabled: true, disabledReason: 'phishing' }),
      );
      expect(await off.json()).toMatchObject({ disabled: true, disabledReason: 'phishing' });
      await expectProblem(await visit(link.slug), 410);
      expect((await send(`/${link.slug}`, { method: 'HEAD', redirect: 'manual' })).status).toBe(410);
      const on = await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', editor, { disabled: false }));
      expect(await on.json()).toMatchObject({ disabled: false, disabledReason: null });
      expect((await visit(link.slug)).status).toBe(302);
      const clicks = (await (await send(`/api/v1/links/${link.id}`, { headers: bearer(viewer) })).json()).clicks;
      expect(clicks).toBe(2); // the two visits while it was up
    });

    it('refuses a reason for an enabled link', async () => {
      const link = await makeLink();
      await expectInvalid(
        await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', editor, { disabledReason: 'spam' })),
        ['disabledReason'],
      );
      await expectInvalid(
        await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', editor, { disabled: false, disabledReason: 'spam' })),
        ['disabledReason'],
      );
    });
  });
}
