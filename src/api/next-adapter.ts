import { after } from 'next/server';
import { createApp } from './app';

// The one piece of Next-specific glue: Next hands us a Web Request; the app
// reads its configuration from process.env as Workers would from bindings,
// and work deferred past the response (click recording) goes to `after()`,
// Next's waitUntil.
const app = createApp();
const env: Record<string, unknown> = { ...process.env };
const executionCtx = {
  waitUntil: (promise: Promise<unknown>) => after(promise),
  passThroughOnException() {},
  props: {},
};

export function handle(request: Request): Response | Promise<Response> {
  return app.fetch(request, env, executionCtx);
}
