import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, jsonBody } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';

// Settings the contract suites run without: no PUBLIC_BASE_URL, and an
// intranet deployment that allows private destinations.
const { send } = useLocalApp({ env: { PUBLIC_BASE_URL: '', ALLOW_PRIVATE_DESTINATIONS: 'true' } });
const create = (body: Record<string, unknown>) => send('/api/v1/links', jsonBody('POST', ADMIN_KEY, body));

describe('links without PUBLIC_BASE_URL, with ALLOW_PRIVATE_DESTINATIONS', () => {
  it('builds shortUrl and qrUrl from the origin the request reached', async () => {
    const res = await create({ url: 'https://example.com/', slug: 'origin-test' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      shortUrl: 'http://hop.test/origin-test',
      qrUrl: `http://hop.test/api/v1/qr?url=${encodeURIComponent('http://hop.test/origin-test')}`,
    });
  });

  it('accepts private addresses, and still refuses loopback, link-local and its own origin', async () => {
    for (const url of ['http://10.0.0.1/wiki', 'http://192.168.1.20/', 'http://intranet/', 'http://[fd00::1]/']) {
      expect((await create({ url })).status, url).toBe(201);
    }
    for (const url of ['http://127.0.0.1/', 'http://169.254.169.254/', 'http://hop.test/x', 'http://[::1]/']) {
      expect((await create({ url })).status, url).toBe(422);
    }
  });
});
