// The other side of control-endpoint.ts: sets faults and reads counters of a
// local server running in another process. Plain fetch, no server code, so
// tests can import it without pulling in PGlite.
import type { Fault, LocalDbStats } from './fault-gate';
import type { StoreFault } from './upstash-rest';

export type { Fault, LocalDbStats } from './fault-gate';
export type { StoreFault } from './upstash-rest';

export interface LocalDbControl {
  setFault(fault: Fault): Promise<void>;
  clearFault(): Promise<void>;
  fault(): Promise<Fault | null>;
  stats(): Promise<LocalDbStats>;
  resetStats(): Promise<void>;
  /** The store's (Upstash REST front's) own fault switch. */
  setStoreFault(fault: StoreFault): Promise<void>;
  clearStoreFault(): Promise<void>;
  /** Polls stats() until the predicate holds, e.g. (s) => s.held === 1; rejects after timeoutMs. */
  waitForStats(predicate: (s: LocalDbStats) => boolean, timeoutMs?: number): Promise<LocalDbStats>;
}

/** controlUrl: the LocalDb's controlUrl, e.g. http://127.0.0.1:4444/_localdb */
export function localDbControl(controlUrl: string): LocalDbControl {
  const base = controlUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`localdb control: ${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const stats = () => call<LocalDbStats>('GET', 'stats');
  return {
    setFault: (fault) => call('PUT', 'fault', fault),
    clearFault: () => call('DELETE', 'fault'),
    fault: () => call<{ fault: Fault | null }>('GET', 'fault').then((r) => r.fault),
    stats,
    resetStats: () => call('DELETE', 'stats'),
    setStoreFault: (fault) => call('PUT', 'store-fault', fault),
    clearStoreFault: () => call('DELETE', 'store-fault'),
    async waitForStats(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await stats();
        if (predicate(s)) return s;
        if (Date.now() > deadline)
          throw new Error(`localdb control: condition not met within ${timeoutMs} ms: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
