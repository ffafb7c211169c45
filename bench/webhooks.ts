// The cost of webhooks on the write that causes them: a link create with 0
// and with 3 subscribed endpoints, in process (createApp().fetch) against the
// local database, three real receivers on loopback. The event rows are
// written by the create's own statement, so its round trips on the critical
// path must stay at 1; delivery happens after the response.
import type { LocalDb } from '../src/localdb';
import { startReceiver } from '../test/support/webhook-receiver';
import { countTrips, inProcessClient, type Count } from './round-trips';

const ENDPOINTS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

export interface WebhookBenchOptions {
  rounds: number;
  /** Sequential creates per case per round. */
  perRound: number;
  key: string;
  log: (line?: string) => void;
}

export async function webhookCost(db: LocalDb, env: Record<string, string>, options: WebhookBenchOptions) {
  const { rounds, perRound, key, log } = options;
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  const app = inProcessClient({ ...env, WEBHOOK_ALLOW_INSECURE: '1' });
  const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, () => startReceiver()));
  try {
    const hooks: string[] = [];
    for (const receiver of receivers) {
      const res = await app.send('/api/v1/webhooks', {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: receiver.url, events: ['link.created'] }),
      });
      const hook = (await res.json()) as { id: string; secret: string };
      receiver.secrets.push(hook.secret);
      hooks.push(hook.id);
    }
    const setEndpoints = async (status: 'active' | 'disabled') => {
      for (const id of hooks) {
        await app.send(`/api/v1/webhooks/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ status }) });
      }
    };
    let n = 0;
    const create = () =>
      app.send('/api/v1/links', {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: 'https://example.com/wh', slug: `bench-wh-${n++}` }),
      });
    const cases = [
      { name: 'POST /api/v1/links, 0 endpoints subscribed', status: 'disabled' as const, ms: [] as number[] },
      { name: `POST /api/v1/links, ${ENDPOINTS} endpoints subscribed`, status: 'active' as const, ms: [] as number[] },
    ];
    for (let i = 0; i < 20; i++) await create(); // warm: key cached, JIT
    await app.settle();

    const trips: Count[] = [];
    for (const c of cases) {
      await setEndpoints(c.status);
      trips.push(await countTrips(db, app, c.name, 20, 1, () => create()));
    }
    // Interleaved rounds, one create at a time; each create's deliveries finish before the next (not timed).
    for (let round = 0; round < rounds; round++) {
      for (const c of cases) {
        await setEndpoints(c.status);
        for (let i = 0; i < perRound; i++) {
          const started = performance.now();
          const res = await create();
          c.ms.push(performance.now() - started);
          if (res.status !== 201) throw new Error(`${c.name}: answered ${res.status}`);
          await app.settle();
        }
      }
    }
    const delivered = receivers.map((r) => r.deliveredIds().size);
    const verified = receivers.every((r) => r.received.every((got) => got.verifiedWith.length === 1));

    log('\nWebhooks: the cost of a link create with subscribed endpoints (in process, one create at a time;');
    log('round trips per request, critical = before the response; time to response in ms)');
    log(
      `${'case'.padEnd(46)}${'critical'.padStart(9)}${'backgr.'.padStart(9)}${'median'.padStart(9)}${'p90'.padStart(8)}`,
    );
    cases.forEach((c, i) => {
      const t = trips[i]!;
      log(
        `${c.name.padEnd(46)}${(t.critical / t.requests).toFixed(2).padStart(9)}${(t.background / t.requests)
          .toFixed(2)
          .padStart(9)}${median(c.ms).toFixed(2).padStart(9)}${quantile(c.ms, 0.9).toFixed(2).padStart(8)}`,
      );
    });
    const ratio = median(cases[1]!.ms) / median(cases[0]!.ms);
    const critical = trips.every((t) => t.critical === t.requests);
    log(
      `ratio of medians (${ENDPOINTS} endpoints / 0): ${ratio.toFixed(2)}; critical round trips 1 per create: ` +
        `${critical ? 'OK' : 'OVER'}; deliveries received per endpoint: ${delivered.join(', ')}, ` +
        `signatures ${verified ? 'all verified' : 'NOT all verified'}`,
    );
    return { ratio, critical, trips };
  } finally {
    await Promise.all(receivers.map((r) => r.close()));
  }
}
