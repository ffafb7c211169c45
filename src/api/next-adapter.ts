import { createApp } from './app';

// The one piece of Next-specific glue: Next hands us a Web Request, the app
// reads its configuration from process.env as Workers would from bindings.
const app = createApp();
const env: Record<string, unknown> = { ...process.env };

export function handle(request: Request): Response | Promise<Response> {
  return app.fetch(request, env);
}
