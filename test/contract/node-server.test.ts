import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNodeServer, type NodeServer } from '../../src/server/server';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';
import { allContracts } from './all';
import type { Send } from './suite';

// The Node server mode's front (src/server): a real HTTP server, Hono's Node
// adapter, the routing and the execution context, without Next (the pages
// are tested end to end). Each answer waits for the work deferred past it,
// as the other runners do, so tests see clicks deterministically.
const env = { ...FIXTURE_ENV, DATABASE_URL: inject('databaseUrl') };
let node: NodeServer;
let base: string;

beforeAll(async () => {
  node = createNodeServer({ app: createFixtureApp(), env });
  await new Promise<void>((resolve) => node.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(node.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  node.server.closeAllConnections();
  await new Promise((resolve) => node.server.close(resolve));
});

const send: Send = async (path, init) => {
  const res = await fetch(base + path, { redirect: 'manual', ...init });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) return res; // read as it streams
  const body = await res.arrayBuffer(); // the whole answer, then the work after it
  await node.work.idle();
  return new Response(init?.method === 'HEAD' || [204, 304].includes(res.status) ? null : body, res);
};

describe('contract: Node server mode', () => {
  it('reports the process in health', async () => {
    const body = await (await send('/api/health')).json();
    expect(body).toMatchObject({ status: 'ok', uptimeSeconds: expect.any(Number), clickBuffer: 0 });
  });
  allContracts(send);
});
