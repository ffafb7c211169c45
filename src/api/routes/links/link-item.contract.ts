import { describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { bearer, jsonBody } from '@/test/support/accounts';
import { linkSuiteSetup } from '@/test/support/links';

// One link through HTTP (get, change, delete); run in Node, the edge-runtime VM and workerd.

export function linkItemContract(send: Send) {
  const { keys, createOk } = linkSuiteSetup(send);

  describe('GET, PATCH and DELETE /api/v1/links/{id}', () => {
    it('gets a link with an ETag and answers If-None-Match with 304', async () => {
      const link = await createOk({ url: 'https://example.com/' });
      const res = await send(`/api/v1/links/${link.id}`, { headers: bearer(keys.viewer) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(link);
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"/);
      const again = await send(`/api/v1/links/${link.id}`, { headers: bearer(keys.viewer, { 'If-None-Match': etag }) });
      expect(again.status).toBe(304);
    });

    it('answers a value only the database refuses with 422, not 500', async () => {
      // 31 February passes the cursor's shape checks; Postgres rejects it (class 22).
      const cursor = btoa(JSON.stringify(['2026-02-31 00:00:00+00', crypto.randomUUID()])).replace(/=+$/, '');
      const res = await send(`/api/v1/links?cursor=${cursor}`, { headers: bearer(keys.viewer) });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await res.json()).errors.request[0]).toMatch(/date/);
    });

    it('answers 404 for an unknown id and 422 for a malformed one', async () => {
      expect((await send(`/api/v1/links/${crypto.randomUUID()}`, { headers: bearer(keys.viewer) })).status).toBe(404);
      expect((await send('/api/v1/links/not-a-uuid', { headers: bearer(keys.viewer) })).status).toBe(422);
    });

    it('patches fields, clears with null, and changes the ETag', async () => {
      const link = await createOk({ url: 'https://example.com/', title: 'Old', tags: ['x'] });
      const etag = (await send(`/api/v1/links/${link.id}`, { headers: bearer(keys.viewer) })).headers.get('etag')!;
      const res = await send(
        `/api/v1/links/${link.id}`,
        jsonBody('PATCH', keys.editor, { title: null, tags: ['y'], redirectStatus: 308 }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        title: null,
        tags: ['y'],
        redirectStatus: 308,
        url: 'https://example.com/',
      });
      expect(res.headers.get('etag')).not.toBe(etag);
    });

    it('honours If-Match: 412 when stale, 200 when current', async () => {
      const link = await createOk({ url: 'https://example.com/' });
      const etag = (await send(`/api/v1/links/${link.id}`, { headers: bearer(keys.viewer) })).headers.get('etag')!;
      const ok = await send(
        `/api/v1/links/${link.id}`,
        jsonBody('PATCH', keys.editor, { title: 'One' }, { 'If-Match': etag }),
      );
      expect(ok.status).toBe(200);
      const stale = await send(
        `/api/v1/links/${link.id}`,
        jsonBody('PATCH', keys.editor, { title: 'Two' }, { 'If-Match': etag }),
      );
      expect(stale.status).toBe(412);
      const del = await send(`/api/v1/links/${link.id}`, {
        method: 'DELETE',
        headers: bearer(keys.editor, { 'If-Match': etag }),
      });
      expect(del.status).toBe(412);
      const current = (await send(`/api/v1/links/${link.id}`, { headers: bearer(keys.viewer) })).json();
      expect((await current).title).toBe('One');
    });

    it('keeps the changed link whole: a fallback URL needs its trigger', async () => {
      const plain = await createOk({ url: 'https://example.com/' });
      const noTrigger = await send(
        `/api/v1/links/${plain.id}`,
        jsonBody('PATCH', keys.editor, {
          expiredUrl: 'https://example.com/late',
          exhaustedUrl: 'https://example.com/gone',
        }),
      );
      expect(noTrigger.status).toBe(422);
      expect(Object.keys((await noTrigger.json()).errors)).toEqual([
        expect.stringMatching(/^(expiredUrl|exhaustedUrl)$/),
      ]);

      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      const timed = await createOk({ url: 'https://example.com/', expiresAt, expiredUrl: 'https://example.com/late' });
      const clearOnlyTrigger = await send(
        `/api/v1/links/${timed.id}`,
        jsonBody('PATCH', keys.editor, { expiresAt: null }),
      );
      expect(clearOnlyTrigger.status).toBe(422);
      expect(Object.keys((await clearOnlyTrigger.json()).errors)).toEqual(['expiredUrl']);
      const capped = await createOk({
        url: 'https://example.com/',
        maxClicks: 3,
        exhaustedUrl: 'https://example.com/gone',
      });
      const uncap = await send(`/api/v1/links/${capped.id}`, jsonBody('PATCH', keys.editor, { maxClicks: null }));
      expect(Object.keys((await uncap.json()).errors)).toEqual(['exhaustedUrl']);

      const clearBoth = await send(
        `/api/v1/links/${timed.id}`,
        jsonBody('PATCH', keys.editor, { expiresAt: null, expiredUrl: null }),
      );
      expect(clearBoth.status).toBe(200);
      expect(await clearBoth.json()).toMatchObject({ expiresAt: null, expiredUrl: null });
      const addBoth = await send(
        `/api/v1/links/${plain.id}`,
        jsonBody('PATCH', keys.editor, { maxClicks: 9, exhaustedUrl: 'https://example.com/gone' }),
      );
      expect(addBoth.status).toBe(200);
      // The refused patches changed nothing.
      const current = await (await send(`/api/v1/links/${capped.id}`, { headers: bearer(keys.viewer) })).json();
      expect(current).toMatchObject({ maxClicks: 3, exhaustedUrl: 'https://example.com/gone' });
    });

    it('refuses an empty patch, a taken slug, and a viewer', async () => {
      const link = await createOk({ url: 'https://example.com/' });
      const other = await createOk({ url: 'https://example.com/' });
      expect((await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', keys.editor, {}))).status).toBe(422);
      expect(
        (await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', keys.editor, { slug: other.slug }))).status,
      ).toBe(409);
      expect((await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', keys.viewer, { title: 'x' }))).status).toBe(403);
      expect(
        (await send(`/api/v1/links/${crypto.randomUUID()}`, jsonBody('PATCH', keys.editor, { title: 'x' }))).status,
      ).toBe(404);
    });

    it('deletes: 204, then 404', async () => {
      const link = await createOk({ url: 'https://example.com/' });
      expect((await send(`/api/v1/links/${link.id}`, { method: 'DELETE', headers: bearer(keys.viewer) })).status).toBe(
        403,
      );
      expect((await send(`/api/v1/links/${link.id}`, { method: 'DELETE', headers: bearer(keys.editor) })).status).toBe(
        204,
      );
      expect((await send(`/api/v1/links/${link.id}`, { headers: bearer(keys.viewer) })).status).toBe(404);
      expect((await send(`/api/v1/links/${link.id}`, { method: 'DELETE', headers: bearer(keys.editor) })).status).toBe(
        404,
      );
    });
  });
}
