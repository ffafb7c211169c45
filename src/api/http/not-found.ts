import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import { problem } from './problem';

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Browsers get a page, API clients a problem document; both outside /api's middleware. */
export function notFoundOrGone(c: Context, status: 404 | 410, detail: string): Response {
  const type = accepts(c, {
    header: 'Accept',
    supports: ['application/problem+json', 'application/json', 'text/html'],
    default: 'application/problem+json',
  });
  const headers = {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  if (type !== 'text/html') return problem(c, { status, detail, headers });
  const title = status === 404 ? 'Link not found' : 'Link no longer available';
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${title}</title></head><body style="font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem">` +
      `<h1>${title}</h1><p>${escape(detail)}</p><p><a href="/">Hop</a></p></body></html>`,
    status,
    headers,
  );
}
