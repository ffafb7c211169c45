import type { Context, MiddlewareHandler } from 'hono';
import { htmlPage } from '../../http/error-page';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../../http/problem';
import type { AppEnv } from '../../lib/env';

// The report form (/report) is plain HTML: it works without JavaScript, so
// the browser shows whatever the API answers. Form posts get that answer as
// a page, with the status, Retry-After and RateLimit fields of the JSON one.

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export const isFormPost = (c: Context) => FORM.test(c.req.header('Content-Type') ?? '');

const AGAIN: [string, string][] = [
  ['/report', 'Report a link'],
  ['/', 'Hop'],
];

export function formResults(): MiddlewareHandler<AppEnv> {
  return async function formResults(c, next) {
    await next();
    if (!isFormPost(c)) return;
    const res = c.res;
    const headers: Record<string, string> = {};
    const retryAfter = res.headers.get('Retry-After');
    if (retryAfter) headers['Retry-After'] = retryAfter;
    const status = res.status as 202 | 400 | 413 | 415 | 422 | 429 | 500 | 503;
    if (status === 202) {
      const { id } = (await res.json()) as { id: string };
      c.res = htmlPage(
        c,
        202,
        'Report received',
        ['Thank you. The admins will look at the link and may take it down.', `Reference: ${id}`],
        AGAIN,
      );
      return;
    }
    if (!res.headers.get('Content-Type')?.startsWith(PROBLEM_CONTENT_TYPE)) return;
    const body = (await res.json()) as Problem;
    const errors = Object.entries(body.errors ?? {}).map(([field, messages]) => `${field}: ${messages.join('; ')}`);
    const title = status === 429 ? 'Too many reports' : 'Report not sent';
    const said =
      status === 429
        ? [`Too many reports from your network just now. Please try again in ${retryAfter ?? 'a few'} seconds.`]
        : [body.detail, ...errors];
    c.res = htmlPage(c, status, title, [...said, `Request id: ${body.requestId}`], AGAIN, headers);
  };
}
