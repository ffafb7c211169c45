import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

// A real webhook receiver on loopback, verifying every request with the
// official `standardwebhooks` package as an integrator would. It fails on
// command (a status, optionally with Retry-After), answers 410, stalls, and
// records what it got.

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The verified payload, or null when verification failed. */
  payload: { type: string; timestamp: string; data: any } | null;
  /** Secrets (of those given) that verify this request. */
  verifiedWith: string[];
  /** What the receiver answered. */
  answered: number | 'stalled';
}

export type Behaviour =
  | { mode: 'ok'; delayMs?: number }
  | { mode: 'fail'; status: number; retryAfter?: string; body?: string }
  | { mode: 'stall' }
  | { mode: 'down' };

export interface Receiver {
  url: string;
  received: Received[];
  /** Secrets to verify with (the endpoint's, and after a rotation the previous one). */
  secrets: string[];
  behave(behaviour: Behaviour): void;
  /** Received ids and how many times each came, with a 2xx answer. */
  deliveredIds(): Map<string, number>;
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hooks'): Promise<Receiver> {
  let behaviour: Behaviour = { mode: 'ok' };
  const received: Received[] = [];
  const secrets: string[] = [];
  const stalled = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    const verifiedWith = secrets.filter((secret) => {
      try {
        new Webhook(secret).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    });
    const entry: Received = {
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
      body,
      payload: verifiedWith.length ? (JSON.parse(body) as Received['payload']) : null,
      verifiedWith,
      answered: 0,
    };
    received.push(entry);
    const current = behaviour;
    if (current.mode === 'stall') {
      entry.answered = 'stalled';
      stalled.add(res);
      return;
    }
    if (current.mode === 'fail') {
      entry.answered = current.status;
      res.writeHead(current.status, current.retryAfter ? { 'Retry-After': current.retryAfter } : {});
      res.end(current.body ?? 'nope');
      return;
    }
    if (current.mode === 'ok' && current.delayMs) await new Promise((resolve) => setTimeout(resolve, current.delayMs));
    // Unverifiable requests are refused, as a receiver would.
    entry.answered = verifiedWith.length ? 200 : 401;
    res.writeHead(entry.answered, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: entry.answered === 200 }));
  };

  const server = createServer((req, res) => {
    if (behaviour.mode === 'down') return void req.socket.destroy();
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    secrets,
    behave: (next) => {
      behaviour = next;
      if (next.mode === 'stall') return;
      for (const res of stalled) res.destroy();
      stalled.clear();
    },
    deliveredIds() {
      const counts = new Map<string, number>();
      for (const r of received) if (r.answered === 200) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
      return counts;
    },
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met; got ${received.length} requests`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
