import type { Config } from '../../config';
import type { Link } from './schemas';

export const COLUMNS = `id, slug, url, title, tags, expires_at, expired_url, max_clicks, exhausted_url,
  redirect_status, forward_query, clicks, version, created_at, updated_at`;

export interface LinkRow {
  id: string;
  slug: string;
  url: string;
  title: string | null;
  tags: string[];
  expires_at: Date | null;
  expired_url: string | null;
  max_clicks: number | null;
  exhausted_url: string | null;
  redirect_status: number;
  forward_query: boolean;
  clicks: string; // bigint arrives as text
  version: number;
  created_at: Date;
  updated_at: Date;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function shortUrl(config: Config, slug: string): string {
  return `${config.PUBLIC_BASE_URL}/${slug}`;
}

export function toLink(row: LinkRow, config: Config): Link {
  const short = shortUrl(config, row.slug);
  return {
    id: row.id,
    slug: row.slug,
    url: row.url,
    shortUrl: short,
    qrUrl: `${config.PUBLIC_BASE_URL}/api/v1/qr?url=${encodeURIComponent(short)}`,
    title: row.title,
    tags: row.tags,
    expiresAt: iso(row.expires_at),
    expiredUrl: row.expired_url,
    maxClicks: row.max_clicks,
    exhaustedUrl: row.exhausted_url,
    redirectStatus: row.redirect_status,
    forwardQuery: row.forward_query,
    clicks: Number(row.clicks),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The strong validator of a link's settings (the live `clicks` counter is not part of it). */
export const etagOf = (row: Pick<LinkRow, 'id' | 'version'>) => `"${row.id.slice(0, 8)}.${row.version}"`;

/** Versions named by an If-Match header; `null` for `*` (any current version). */
export function parseIfMatch(header: string | undefined, id: string): number[] | null | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return null;
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const match = /^\s*"([0-9a-f]{8})\.(\d+)"\s*$/.exec(tag);
    if (match && match[1] === id.slice(0, 8)) versions.push(Number(match[2]));
  }
  return versions;
}

// One INSERT for one or many links: all-or-nothing, one round trip.
export const INSERT_LINKS = `insert into links (slug, url, title, tags, expires_at, expired_url, max_clicks,
    exhausted_url, redirect_status, forward_query, created_by)
  select slug, url, title, coalesce(tags, '{}'), expires_at, expired_url, max_clicks,
    exhausted_url, redirect_status, forward_query, $2
  from jsonb_to_recordset($1::jsonb) as x(ord int, slug text, url text, title text, tags text[],
    expires_at timestamptz, expired_url text, max_clicks int, exhausted_url text,
    redirect_status smallint, forward_query boolean)
  order by ord
  returning ${COLUMNS}`;
