import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problem, type ProblemType } from './problem';

const HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const PAGES = {
  404: ['Link not found', 'not-found'],
  410: ['Link no longer available', 'gone'],
  451: ['Unavailable for legal reasons', 'unavailable-for-legal-reasons'],
} as const satisfies Record<number, [string, ProblemType]>;

/**
 * A small self-contained HTML page; `paragraphs` are text (escaped here: they
 * may echo what a client sent), `links` are [href, label] pairs of our own.
 */
export function htmlPage(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  paragraphs: string[],
  links: [href: string, label: string][] = [['/', 'Hop']],
  headers: Record<string, string> = {},
): Response {
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${escapeHtml(title)}</title></head>` +
      `<body style="font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem;padding:0 1rem">` +
      `<h1>${escapeHtml(title)}</h1>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}` +
      `<p>${links.map(([href, label]) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`).join(' · ')}</p>` +
      `</body></html>`,
    status,
    { ...HEADERS, ...headers },
  );
}

/**
 * Outside /api a person may be reading: browsers get a small page, API
 * clients (Accept preferring JSON) a problem document.
 */
export function errorPage(c: Context, status: keyof typeof PAGES, detail: string): Response {
  const type = accepts(c, {
    header: 'Accept',
    supports: ['application/problem+json', 'application/json', 'text/html'],
    default: 'application/problem+json',
  });
  const [title, problemType] = PAGES[status];
  if (type !== 'text/html') return problem(c, problemType, { detail, headers: HEADERS });
  return htmlPage(c, status, title, [detail]);
}
