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

/**
 * Like `sendVia`, but answers as soon as the app does and keeps the deferred
 * work: `settle()` waits for all of it. For tests that change the world (the
 * database, time) between the response and the work after it.
 */
export function sendDeferred(app: App, env: Record<string, unknown>): { send: Send; settle: () => Promise<unknown> } {
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
  return {
    send: async (path, init) => app.fetch(new Request(new URL(path, 'http://hop.test'), init), env, ctx),
    settle: () => Promise.all(pending.splice(0)),
  };
}
