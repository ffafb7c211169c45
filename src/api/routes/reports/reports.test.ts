import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, jsonBody, unique } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { fromAddress, uniqueAddress } from '@/test/support/store';

// Node-only: rows read directly, and takedown seen by isolates with the link cached.

const TTL_MS = 1_500;
const app = useLocalApp({ env: { LINK_CACHE_TTL_MS: String(TTL_MS) } });
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';

const createLink = async () => {
  const res = await app.send(
    '/api/v1/links',
    jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/t', slug: unique('td-') }),
  );
  return (await res.json()) as { id: string; slug: string };
};
const report = (body: Record<string, unknown>) =>
  app.send('/api/v1/reports', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...fromAddress(uniqueAddress()) },
    body: JSON.stringify(body),
  });
const visit = (send: typeof app.send, slug: string) =>
  send(`/${slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });

describe('abuse reports', () => {
  it('store what was sent, and nothing for a filled honeypot', async () => {
    const link = await createLink();
    await report({ link: link.slug, reason: 'malware', details: 'Downloads an .exe', email: 'a@example.com' });
    await report({ link: link.slug, reason: 'spam', homepage: 'x' });
    const rows = await app
      .db()
      .query('select reason, details, email, status from reports where link_id = $1', [link.id]);
    expect(rows).toEqual([{ reason: 'malware', details: 'Downloads an .exe', email: 'a@example.com', status: 'open' }]);
  });

  it('are deleted with their link', async () => {
    const link = await createLink();
    await report({ link: link.slug, reason: 'spam' });
    await app.send(`/api/v1/links/${link.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    expect(await app.db().query('select 1 from reports where link_id = $1', [link.id])).toEqual([]);
  });
});

describe('takedown', () => {
  it('stops redirects at once where it was made and within the TTL elsewhere, counting no clicks', async () => {
    const link = await createLink();
    const other = app.isolate();
    expect((await visit(other, link.slug)).status).toBe(302); // cached over there as enabled
    const { id } = await (await report({ link: link.slug, reason: 'phishing' })).json();
    await app.send(`/api/v1/reports/${id}`, jsonBody('PATCH', ADMIN_KEY, { status: 'actioned', note: 'phish' }));
    expect((await visit(app.send, link.slug)).status).toBe(410);
    await new Promise((r) => setTimeout(r, TTL_MS + 200));
    for (let i = 0; i < 3; i++) expect((await visit(other, link.slug)).status).toBe(410);
    const [row] = await app
      .db()
      .query<{ clicks: string; n: string }>(
        'select clicks, (select count(*) from clicks where link_id = $1) as n from links where id = $1',
        [link.id],
      );
    expect(row).toEqual({ clicks: '1', n: '1' }); // the one visit before the takedown (bigints as text)
  });

  it('by an actioned report keeps a reason an editor gave first', async () => {
    const link = await createLink();
    await app.send(
      `/api/v1/links/${link.id}`,
      jsonBody('PATCH', ADMIN_KEY, { disabled: true, disabledReason: 'illegal' }),
    );
    const { id } = await (await report({ link: link.slug, reason: 'spam' })).json();
    const res = await app.send(`/api/v1/reports/${id}`, jsonBody('PATCH', ADMIN_KEY, { status: 'actioned' }));
    expect(await res.json()).toMatchObject({ status: 'actioned', link: { disabled: true } });
    const [row] = await app.db().query('select disabled_reason from links where id = $1', [link.id]);
    expect(row).toEqual({ disabled_reason: 'illegal' });
  });
});
