import type { Context } from 'hono';
import { db } from '../../db';
import { errorPage } from '../../http/error-page';
import type { AppEnv } from '../../lib/env';
import { defer, geo, publicBaseUrl } from '../../lib/platform';
import type { CachedLink } from '../links';
import { deliverAfterResponse } from '../webhooks';
import { CAP_STATE, CLAIM_CAPPED_CLICK, clickParams, clickWriter, LOOKUP_LINK, type Click } from './redirect.queries';
import { classifyAgent, type UserAgentInfo } from './user-agent';

async function findLink(c: Context<AppEnv>, slug: string): Promise<CachedLink | null> {
  const { linkCache } = c.var;
  const cached = linkCache.get(slug);
  if (cached !== undefined) return cached || null;
  const since = linkCache.generation;
  const [row] = await db(c).query<Omit<CachedLink, 'expiresAt'> & { expiresAt: Date | null }>(LOOKUP_LINK, [slug]);
  const link = row ? { ...row, expiresAt: row.expiresAt?.getTime() ?? null } : null;
  linkCache.set(slug, link, c.var.config.LINK_CACHE_TTL_MS, since);
  return link;
}

/** The destination with the short link's query merged in; the destination's own parameters win. */
function destination(link: CachedLink, requestUrl: string): string {
  // Most visits carry no query: no URL to parse then.
  if (!link.forwardQuery || !requestUrl.includes('?')) return link.url;
  const search = new URL(requestUrl).searchParams;
  if (search.size === 0) return link.url;
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

function describeClick(c: Context<AppEnv>, linkId: string, isBot: boolean, agent: UserAgentInfo): Click {
  const { browser, os, device } = agent;
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

// Once seen exhausted, a cached link stays so in this isolate until its entry
// goes: a PATCH here evicts it at once; one elsewhere shows within the TTL,
// like any other change to the link.
const exhaustedLinks = new WeakSet<CachedLink>();

type CapState = 'within' | 'exhausted' | 'gone';

/**
 * Whether this request may go to the destination of a capped link. A human
 * click is counted against the cap atomically; bots and HEAD never count,
 * but an exhausted link is exhausted for them too.
 */
async function capState(c: Context<AppEnv>, link: CachedLink, click: Click): Promise<CapState> {
  if (exhaustedLinks.has(link)) return 'exhausted';
  const [state] = await db(c).query<{ within: boolean; found: boolean; webhookDeliveries?: unknown }>(
    click.is_bot ? CAP_STATE : CLAIM_CAPPED_CLICK,
    click.is_bot ? [link.id] : clickParams(click, publicBaseUrl(c)),
  );
  deliverAfterResponse(c, state?.webhookDeliveries); // link.exhausted, when this click used up the cap
  if (!state?.found) return 'gone';
  if (state.within) return 'within';
  exhaustedLinks.add(link);
  return 'exhausted';
}

export async function followLink(c: Context<AppEnv>) {
  // Every answer depends on the time, the click count or the cache: redirects
  // must reach the server every time, or clicks go uncounted.
  c.header('Cache-Control', 'no-store');
  const slug = c.req.param('slug')!;
  const link = await findLink(c, slug);
  if (!link) return errorPage(c, 404, `There is no short link /${slug}.`);
  // Taken down (abuse): no redirect, no click, whoever asks.
  if (link.disabled) {
    return link.disabledReason === 'illegal'
      ? errorPage(c, 451, `The short link /${slug} was disabled after a report of illegal content.`)
      : errorPage(c, 410, `The short link /${slug} was disabled after an abuse report.`);
  }

  if (link.expiresAt !== null && link.expiresAt <= Date.now()) {
    return link.expiredUrl
      ? c.redirect(link.expiredUrl, 302)
      : errorPage(c, 410, `The short link /${slug} has expired.`);
  }

  // HEAD requests and bots are recorded but never counted as human clicks.
  const agent = classifyAgent(c.req.header('User-Agent'));
  const isBot = c.req.method === 'HEAD' || agent.isBot;
  const click = describeClick(c, link.id, isBot, agent);
  if (link.maxClicks !== null) {
    const state = await capState(c, link, click);
    if (state === 'gone') {
      c.var.linkCache.evict(slug);
      return errorPage(c, 404, `There is no short link /${slug}.`);
    }
    if (state === 'exhausted') {
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
      clickWriter(() => db(c)),
      config.DB_QUERY_TIMEOUT_MS,
    );
    if (drain) defer(c, drain);
  }
  return c.redirect(destination(link, c.req.url), link.redirectStatus as 302);
}
