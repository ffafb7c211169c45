import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { ADMIN_KEY, bearer } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { readSse } from '@/test/support/sse';
import { createApp, isolateOf } from '../api/app';
import { parseConfig } from '../api/lib/config';
import { createNodeServer } from './server';
import { shutdown } from './shutdown';

// An open click stream is a request in flight: a shutdown must end it at
// once (its client resumes with its cursor), not wait out the 10 s grace.
const { env } = useLocalApp({ env: { STREAM_POLL_MS: '100', STREAM_MAX_SECONDS: '60', RATE_LIMITS: 'false' } });

it('ends open click streams at once when the server shuts down', async () => {
  const app = createApp();
  const node = createNodeServer({ app, env: env() });
  await new Promise<void>((resolve) => node.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(node.server.address() as AddressInfo).port}`;
  const stream = readSse(await fetch(`${base}/api/v1/clicks/stream`, { headers: bearer(ADMIN_KEY) }));
  await stream.waitForEvent('ready');
  expect(node.inFlight()).toBe(1);

  const started = Date.now();
  await shutdown(node, app, parseConfig(env()), async () => {});
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(stream.comments.some((text) => text.startsWith('closed; reconnect'))).toBe(true);
  expect(isolateOf(app).clickHub.stats()).toMatchObject({ listeners: 0, polling: false });
}, 30_000);
