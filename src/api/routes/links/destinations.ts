import type { Context } from 'hono';
import { classifyHost, normalizeHostname } from '../../lib/addresses';
import type { AppEnv } from '../../lib/env';
import { publicBaseUrl } from '../../lib/platform';

type Checked = Partial<Record<'url' | 'expiredUrl' | 'exhaustedUrl' | 'slug', string | null>>;

const REFUSED = {
  loopback: 'Must not point at a loopback address (localhost, 127.0.0.0/8, ::1)',
  'link-local': 'Must not point at a link-local address (169.254.0.0/16, fe80::/10), where cloud metadata lives',
  reserved: 'Must not point at a reserved, multicast or broadcast address',
  private:
    'Must not point at a private address (10/8, 172.16/12, 192.168/16, fc00::/7, intranet names); ' +
    'ALLOW_PRIVATE_DESTINATIONS=true allows them',
} as const;

/**
 * Field errors for rules that need configuration or the whole batch:
 * destinations on internal addresses or on this service itself, and slugs
 * repeated within a bulk request.
 */
export function destinationErrors(c: Context<AppEnv>, inputs: Checked[], path: (i: number) => string) {
  const own = new URL(publicBaseUrl(c));
  const allowPrivate = c.var.config.ALLOW_PRIVATE_DESTINATIONS;
  const errors: Record<string, string[]> = {};
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    for (const field of ['url', 'expiredUrl', 'exhaustedUrl'] as const) {
      const value = input[field];
      if (!value) continue;
      const url = new URL(value);
      const kind = classifyHost(url.hostname);
      // Any port, any spelling of the name; loopback is refused whatever its
      // spelling, so aliases of a loopback base URL are covered too.
      if (normalizeHostname(url.hostname) === normalizeHostname(own.hostname))
        errors[`${path(i)}${field}`] = ['Must not point at this service’s own short domain'];
      else if (kind !== 'public' && !(kind === 'private' && allowPrivate))
        errors[`${path(i)}${field}`] = [REFUSED[kind]];
    }
    if (input.slug) {
      const first = seen.get(input.slug);
      if (first !== undefined) errors[`${path(i)}slug`] = [`Repeats the slug of item ${first}`];
      else seen.set(input.slug, i);
    }
  });
  return errors;
}
