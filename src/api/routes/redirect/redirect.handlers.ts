import type { Context } from 'hono';
import { isbot } from 'isbot';
import { db } from '../../db';
import { errorPage } from '../../http/error-page';
import type { AppEnv } from '../../lib/env';
import { defer, geo } from '../../lib/platform';
import type { CachedLink } from '../links';
import {
  CLAIM_CAPPED_CLICK,
  clickParams,
  FLUSH_CLICKS,
  IS_EXHAUSTED,
  LOOKUP_LINK,
  type Click,
} from './redirect.queries';
import { parseUserAgent } from './user-agent';

async function findLink(c: Context<AppEnv>, slug: string): Promise<CachedLink | null> {
  const cached = c.var.linkCache.get(slug);
  if (cached !== undefined) return cached || null;
  const [row] = await db(c).query<Omit<CachedLink, 'expiresAt'> & { expiresAt: Date | null }>(LOOKUP_LINK, [slug]);
  const link = row ? { ...row, expiresAt: row.expiresAt?.getTime() ?? null } : null;
  c.var.linkCache.set(slug, link, c.var.config.LINK_CACHE_TTL_MS);
  return link;
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
  const { browser, os, device } = parseUserAgent(c.req.header('User-Agent'));
  return {
    link_id: linkId,
    at: new Date().toISOString(),
    ...geo(c),
    referrer_host: referrerHost(c.req.header('Referer')),
    browser,
    os,
    device,
    is_bot: isBot,
  };
}

// Exhaustion only ever ends by a PATCH, which evicts this isolate's entry:
// once seen, it is remembered with the cached link.
const exhaustedLinks = new WeakSet<CachedLink>();

/**
 * Whether this request may go to the destination of a capped link. A human
 * click is counted against the cap atomically; bots and HEAD never count,
 * but an exhausted link is exhausted for them too.
 */
async function withinCap(c: Context<AppEnv>, link: CachedLink, click: Click): Promise<boolean> {
  if (exhaustedLinks.has(link)) return false;
  const client = db(c);
  const within = click.is_bot
    ? !(await client.query<{ exhausted: boolean }>(IS_EXHAUSTED, [link.id]))[0]?.exhausted
    : (await client.query(CLAIM_CAPPED_CLICK, clickParams(click))).length > 0;
  if (!within) exhaustedLinks.add(link);
  return within;
}

export async function followLink(c: Context<AppEnv>) {
  // Every answer depends on the time, the click count or the cache: redirects
  // must reach the server every time, or clicks go uncounted.
  c.header('Cache-Control', 'no-store');
  const slug = c.req.param('slug')!;
  const link = await findLink(c, slug);
  if (!link) return errorPage(c, 404, `There is no short link /${slug}.`);

  if (link.expiresAt !== null && link.expiresAt <= Date.now()) {
    return link.expiredUrl
      ? c.redirect(link.expiredUrl, 302)
      : errorPage(c, 410, `The short link /${slug} has expired.`);
  }

  // HEAD requests and bots are recorded but never counted as human clicks.
  const isBot = c.req.method === 'HEAD' || isbot(c.req.header('User-Agent') ?? '');
  const click = describeClick(c, link.id, isBot);
  if (link.maxClicks !== null) {
    if (!(await withinCap(c, link, click))) {
      return link.exhaustedUrl
        ? c.redirect(link.exhaustedUrl, 302)
        : errorPage(c, 410, `The short link /${slug} has reached its click limit.`);
    }
  }
  // Human clicks on a capped link were written by the claim itself.
  if (link.maxClicks === null || isBot) {
    const { clickRecorder, config } = c.var;
    const drain = clickRecorder.record(
      click,
      (batch) => db(c).query(FLUSH_CLICKS, [JSON.stringify(batch.clicks), batch.id]),
      config.DB_QUERY_TIMEOUT_MS,
    );
    if (drain) defer(c, drain);
  }
  return c.redirect(destination(link, c.req.url), link.redirectStatus as 302);
}
