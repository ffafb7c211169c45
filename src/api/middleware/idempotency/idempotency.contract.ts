import { beforeAll, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { ADMIN_KEY, bearer, jsonBody, keyFor, unique } from '@/test/support/accounts';

// Idempotency-Key through link creation; run in Node, the edge-runtime VM and
// workerd. The failure paths (a stalled database, a write that commits after
// its client gave up) are in idempotency.test.ts, against fault controls.

export function idempotencyContract(send: Send) {
  let editor: string;
  beforeAll(async () => {
    editor = (await keyFor(send, 'editor')).key;
  });
  const create = (body: unknown, key = editor, headers: Record<string, string> = {}) =>
    send('/api/v1/links', jsonBody('POST', key, body, headers));
  const tagged = async (tag: string) =>
    (await (await send(`/api/v1/links?tag=${tag}`, { headers: bearer(editor) })).json()).items as unknown[];

  it('replays the first response for the same key and body, with this request’s own id', async () => {
    const key = unique('idem-');
    const body = { url: 'https://example.com/idem', tags: [key] };
    const first = await create(body, editor, { 'Idempotency-Key': key });
    const again = await create(body, editor, { 'Idempotency-Key': key, 'X-Request-Id': 'replay-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(await first.json());
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('x-request-id')).toBe('replay-1');
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await tagged(key)).toHaveLength(1);
  });

  it('replays a bulk create as a whole', async () => {
    const key = unique('idem-');
    const body = { links: [0, 1].map((i) => ({ url: `https://example.com/${i}`, tags: [key] })) };
    const bulk = (headers: Record<string, string>) =>
      send('/api/v1/links/bulk', jsonBody('POST', editor, body, { 'Idempotency-Key': key, ...headers }));
    const first = await bulk({});
    const again = await bulk({ 'X-Request-Id': 'replay-2' });
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(await first.json());
    expect(again.headers.get('x-request-id')).toBe('replay-2');
    expect(await tagged(key)).toHaveLength(2);
  });

  it('refuses the same key with a different body with 422', async () => {
    const key = unique('idem-');
    await create({ url: 'https://example.com/a' }, editor, { 'Idempotency-Key': key });
    const res = await create({ url: 'https://example.com/b' }, editor, { 'Idempotency-Key': key });
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.type).toBe('urn:hop:problem:idempotency-key-reused');
    expect(problem.errors).toHaveProperty('Idempotency-Key');
  });

  it('creates exactly one link for concurrent duplicates; the others are told it is in progress', async () => {
    const key = unique('idem-');
    const body = { url: 'https://example.com/concurrent', tags: [key] };
    const responses = await Promise.all([1, 2, 3, 4].map(() => create(body, editor, { 'Idempotency-Key': key })));
    expect(responses.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    for (const r of responses) {
      expect([201, 409]).toContain(r.status);
      if (r.status === 409) {
        expect((await r.json()).type).toBe('urn:hop:problem:idempotency-in-progress');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(await tagged(key)).toHaveLength(1);
  });

  it('does not keep a failed request’s key: the corrected request with the same key runs', async () => {
    const key = unique('idem-');
    const bad = await create({ url: 'javascript:alert(1)', tags: [key] }, editor, { 'Idempotency-Key': key });
    expect(bad.status).toBe(422);
    const fixed = await create({ url: 'https://example.com/fixed', tags: [key] }, editor, { 'Idempotency-Key': key });
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
    const again = await create({ url: 'https://example.com/fixed', tags: [key] }, editor, { 'Idempotency-Key': key });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await tagged(key)).toHaveLength(1);
  });

  it('scopes keys to the caller', async () => {
    const key = unique('idem-');
    const a = await create({ url: 'https://example.com/s', tags: [key] }, editor, { 'Idempotency-Key': key });
    const b = await create({ url: 'https://example.com/s', tags: [key] }, ADMIN_KEY, { 'Idempotency-Key': key });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect((await b.json()).id).not.toBe((await a.json()).id);
  });

  it('refuses a malformed key with 422 naming the header', async () => {
    const res = await create({ url: 'https://example.com/' }, editor, { 'Idempotency-Key': 'has space' });
    expect(res.status).toBe(422);
    expect(Object.keys((await res.json()).errors)).toEqual(['idempotency-key']);
  });
}
