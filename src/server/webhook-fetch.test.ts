import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '@/test/support/webhook-receiver';
import { guardedFetch } from './webhook-fetch';

// What the Node server adds to the destination checks: the addresses a name
// resolves to, checked at connect time. A resolver stands in for DNS.

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

const to = (address: string, family = 4) =>
  ((_: string, callback: (e: Error | null, a: { address: string; family: number }[]) => void) =>
    callback(null, [{ address, family }])) as Parameters<typeof guardedFetch>[1];
const post = (send: typeof fetch, host: string) =>
  send(receiver.url.replace('127.0.0.1', host), { method: 'POST', body: '{}', headers: { 'X-Test': '1' } });

describe('webhook deliveries from the Node server', () => {
  it.each([
    ['loopback', '127.0.0.1', 4],
    ['private', '10.1.2.3', 4],
    ['metadata', '169.254.169.254', 4],
    ['IPv6 loopback', '::1', 6],
    ['IPv4-mapped private', '::ffff:192.168.0.1', 6],
  ])('refuse a public name that resolves to a %s address', async (_, address, family) => {
    const before = receiver.received.length;
    await expect(post(guardedFetch(false, to(address, family)), 'hooks.example.com')).rejects.toThrow(
      /non-public address/,
    );
    expect(receiver.received.length).toBe(before);
  });

  it('connect to what the name resolved to when it is allowed, and read the answer', async () => {
    receiver.behave({ mode: 'fail', status: 418, body: 'teapot' });
    const res = await post(guardedFetch(true, to('127.0.0.1')), 'hooks.example.com');
    expect(res.status).toBe(418);
    expect(await res.text()).toBe('teapot');
    expect(receiver.received.at(-1)!.body).toBe('{}');
    receiver.behave({ mode: 'ok' });
  });

  it('honour the abort signal (the attempt timeout)', async () => {
    receiver.behave({ mode: 'stall' });
    const send = guardedFetch(true, to('127.0.0.1'));
    const started = Date.now();
    await expect(
      send(receiver.url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    receiver.behave({ mode: 'ok' });
  });
});
