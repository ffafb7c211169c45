// Database round trips per request, counted at the local server (its /sql
// counter), for the app run in this process through createApp().fetch. The
// driver's fetch is wrapped only to tell, per request, whether a round trip
// started before the response was returned (critical path) or after it
// (waitUntil work); the totals come from the server's counter.
import { AsyncLocalStorage } from 'node:async_hooks';
import { neonConfig } from '@neondatabase/serverless';
import { createApp } from '../src/api/app';
import type { LocalDb } from '../src/localdb';

interface Phase {
  responded: boolean;
}

export interface Count {
  name: string;
  requests: number;
  critical: number;
  background: number;
  /** Counted by the local server: critical + background, cross-checked. */
  server: number;
}

const phase = new AsyncLocalStorage<Phase>();
const tally = { critical: 0, background: 0 };
const driverFetch = neonConfig.fetchFunction ?? fetch;
// The driver looks its fetch up per query, so this sees every /sql call the app makes.
neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) => {
  if (phase.getStore()?.responded === false) tally.critical++;
  else tally.background++;
  return driverFetch(input, init);
};

export interface Client {
  /** One request; resolves once the body is read (returned re-readable), background work still pending. */
  send(path: string, init?: RequestInit): Promise<Response>;
  /** Waits for all waitUntil work handed over so far. */
  settle(): Promise<void>;
}

export function inProcessClient(env: Record<string, string>): Client {
  const app = createApp();
  const pending: Promise<unknown>[] = [];
  const ctx = {
    waitUntil(p: Promise<unknown>) {
      pending.push(p);
    },
    passThroughOnException() {},
    props: {},
  };
  return {
    send(path, init) {
      const state: Phase = { responded: false };
      return phase.run(state, async () => {
        const res = await app.fetch(new Request(`http://hop.test${path}`, init), env, ctx);
        const body = await res.arrayBuffer();
        state.responded = true;
        return new Response(body, res);
      });
    },
    async settle() {
      while (pending.length) await Promise.allSettled(pending.splice(0));
    },
  };
}

/** Runs `count` requests, `concurrency` at a time, and counts their round trips after all work settles. */
export async function countTrips(
  db: LocalDb,
  client: Client,
  name: string,
  count: number,
  concurrency: number,
  request: (i: number) => Promise<Response>,
): Promise<Count> {
  await client.settle();
  db.resetStats();
  tally.critical = tally.background = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await request(i);
      if (res.status >= 400) throw new Error(`${name}: request ${i} answered ${res.status}`);
      // Sequential runs settle per request: each request's own background work is counted alone.
      if (concurrency === 1) await client.settle();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await client.settle();
  return {
    name,
    requests: count,
    critical: tally.critical,
    background: tally.background,
    server: db.stats().sqlRequests,
  };
}
