import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import { problem } from './problem';

const HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const TITLES = { 404: 'Link not found', 410: 'Link no longer available' } as const;

/**
 * Outside /api a person may be reading: browsers get a small page, API
 * clients (Accept preferring JSON) a problem document.
 */
export function errorPage(c: Context, status: 404 | 410, detail: string): Response {
  const type = accepts(c, {
    header: 'Accept',
    supports: ['application/problem+json', 'application/json', 'text/html'],
    default: 'application/problem+json',
  });
  if (type !== 'text/html') return problem(c, status === 404 ? 'not-found' : 'gone', { detail, headers: HEADERS });
  const title = TITLES[status];
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${title}</title></head><body style="font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem">` +
      // The detail may echo the request path: escaped, not trusted to the CSP.
      `<h1>${title}</h1><p>${escapeHtml(detail)}</p><p><a href="/">Hop</a></p></body></html>`,
    status,
    HEADERS,
  );
}
