import autocannon from 'autocannon';
import { expect, inject, it } from 'vitest';
import { ADMIN_KEY, jsonBody, unique } from '../support/accounts';
import { waitForClicks } from '../support/clicks';

// 5,000 redirects at concurrency 50 against `next start`, loopback only:
// no errors, and every human GET becomes exactly one recorded click.
const REQUESTS = 5_000;
const next = inject('servers').next!;

it('serves 5,000 redirects at concurrency 50 and records every click', async () => {
  const slug = unique('load-');
  const created = await fetch(
    `${next}/api/v1/links`,
    jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/load', slug }),
  );
  const { id } = (await created.json()) as { id: string };

  const result = await autocannon({
    url: `${next}/${slug}`,
    connections: 50,
    amount: REQUESTS,
    timeout: 10,
    headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36' },
  });
  console.log(
    `load: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, ` +
      `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${result.errors}, timeouts ${result.timeouts}`,
  );
  expect(result.errors).toBe(0);
  expect(result.timeouts).toBe(0);
  expect(result['3xx']).toBe(REQUESTS);
  expect(await waitForClicks(next, id, REQUESTS, 60_000)).toBe(REQUESTS);
}, 180_000);
