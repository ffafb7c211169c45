import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isbot } from 'isbot';
import { db } from '../../db';
import type { AppEnv } from '../../env';
import { defineRoute } from '../../http/define-route';
import { notFoundOrGone } from '../../http/not-found';
import { log } from '../../middleware/logger';
import { defer, geo } from '../../platform';
import { linkCache, type CachedLink } from '../links';
import { SlugSchema } from '../links/schemas';
import { ClickRecorder, FLUSH_CLICKS, type Click } from './clicks';
import { parseUserAgent } from './user-agent';

const LocationHeader = z.object({ Location: z.string().openapi({ example: 'https://example.com/launch' }) });

const recorder = new ClickRecorder((count, reason) => log('error', 'error', { msg: 'clicks dropped', count, reason }));

const LOOKUP = `select id, url, redirect_status as "redirectStatus", forward_query as "forwardQuery",
    (extract(epoch from expires_at) * 1000)::float8 as "expiresAt", expired_url as "expiredUrl",
    max_clicks as "maxClicks", exhausted_url as "exhaustedUrl"
  from links where slug = $1`;

// A capped link counts a human click and checks the cap in one atomic
// statement before redirecting: the cap holds exactly across isolates.
const CLAIM_CAPPED = `with hit as (
    update links set clicks = clicks + 1 where id = $1 and clicks < max_clicks returning id
  )
  insert into clicks (link_id, at, country, region, city, referrer_host, browser, os, device, is_bot)
  select id, $2, $3, $4, $5, $6, $7, $8, $9, false from hit
  returning link_id`;

async function findLink(c: Context<AppEnv>, slug: string): Promise<CachedLink | null> {
  const cached = linkCache.get(slug);
  if (cached !== undefined) return cached || null;
  const [row] = await db(c).query<CachedLink>(LOOKUP, [slug]);
  linkCache.set(slug, row ?? null, c.var.config.LINK_CACHE_TTL_MS);
  return row ?? null;
}

/** The destination with the short link's query merged in; the destination's own parameters win. */
function destination(link: CachedLink, requestUrl: string): string {
  const search = new URL(requestUrl).searchParams;
  if (!link.forwardQuery || search.size === 0) return link.url;
  const url = new URL(link.url);
  const own = new Set(url.searchParams.keys());
  for (const [key, value] of search) if (!own.has(key)) url.searchParams.append(key, value);
  return url.href;
}

function referrerHost(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).host || null;
  } catch {
    return null;
  }
}

function describeClick(c: Context<AppEnv>, linkId: string, isBot: boolean): Click {
  const { country, region, city } = geo(c);
  const { browser, os, device } = parseUserAgent(c.req.header('User-Agent'));
  return {
    link_id: linkId,
    at: new Date().toISOString(),
    country,
    region,
    city,
    referrer_host: referrerHost(c.req.header('Referer')),
    browser,
    os,
    device,
    is_bot: isBot,
  };
}

async function follow(c: Context<AppEnv>) {
  // Every answer depends on the time, the click count or the cache: redirects
  // must reach the server every time, or clicks go uncounted.
  c.header('Cache-Control', 'no-store');
  const slug = c.req.param('slug')!;
  const link = await findLink(c, slug);
  if (!link) return notFoundOrGone(c, 404, `There is no short link /${slug}.`);

  if (link.expiresAt !== null && link.expiresAt <= Date.now()) {
    return link.expiredUrl
      ? c.redirect(link.expiredUrl, 302)
      : notFoundOrGone(c, 410, `The short link /${slug} has expired.`);
  }

  // HEAD requests and bots are recorded but never counted as human clicks.
  const isBot = c.req.method === 'HEAD' || isbot(c.req.header('User-Agent') ?? '');
  const click = describeClick(c, link.id, isBot);
  if (link.maxClicks !== null && !isBot) {
    const claimed = await db(c).query(CLAIM_CAPPED, [
      link.id,
      click.at,
      click.country,
      click.region,
      click.city,
      click.referrer_host,
      click.browser,
      click.os,
      click.device,
    ]);
    if (claimed.length === 0) {
      return link.exhaustedUrl
        ? c.redirect(link.exhaustedUrl, 302)
        : notFoundOrGone(c, 410, `The short link /${slug} has reached its click limit.`);
    }
  } else {
    const drain = recorder.record(click, (clicks) => db(c).query(FLUSH_CLICKS, [JSON.stringify(clicks)]));
    if (drain) defer(c, drain);
  }
  return c.redirect(destination(link, c.req.url), link.redirectStatus as 302);
}

export const redirect = new OpenAPIHono<AppEnv>();
redirect.on(['GET', 'HEAD'], '/:slug{[A-Za-z0-9_-]{3,64}}', follow);

// Documented, not routed, through defineRoute: the route above needs a slug
// pattern in its path, which OpenAPI paths cannot express.
redirect.openAPIRegistry.registerPath(
  defineRoute({
    method: 'get',
    path: '/{slug}',
    operationId: 'followLink',
    tags: ['Redirects'],
    summary: 'Follow a short link',
    description:
      'Redirects to the destination with the link’s status code, merging the query string when `forwardQuery` is on. ' +
      'Expired or exhausted links go to their fallback URL, or answer 410. Unknown slugs answer 404: an HTML page for ' +
      'browsers, problem+json when `Accept` prefers JSON. HEAD works alike and never counts as a click.',
    errors: [404, 410, 503],
    request: { params: z.object({ slug: SlugSchema }) },
    responses: {
      301: { description: 'Moved permanently (link setting).', headers: LocationHeader },
      302: { description: 'Found: the default, and the fallback URLs.', headers: LocationHeader },
      307: { description: 'Temporary redirect (link setting).', headers: LocationHeader },
      308: { description: 'Permanent redirect (link setting).', headers: LocationHeader },
    },
  }),
);
