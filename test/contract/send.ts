import type { App } from '../../src/api/app';
import type { Send } from './suite';

/**
 * Sends through `app.fetch` with an execution context, as Workers and the
 * Next adapter do, and waits for the work deferred with `waitUntil` (click
 * recording, key touches) before handing the response over, so tests see its
 * effects deterministically.
 */
export function sendVia(app: App, env: Record<string, unknown>): Send {
  return async (path, init) => {
    const pending: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
    const res = await app.fetch(new Request(new URL(path, 'http://hop.test'), init), env, ctx);
    await Promise.all(pending);
    return res;
  };
}
