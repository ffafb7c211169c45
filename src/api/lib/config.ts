import { z } from '@hono/zod-openapi';
import { KEY_PATTERN, KEY_RULE } from './api-key';
import { DEFAULT_DATABASE_URL } from './hosts';
import { LOG_LEVELS } from './log';

const MiB = 1024 * 1024;

/** The longest an isolate may trust a cached link, and a verified API key. */
export const MAX_LINK_CACHE_TTL_MS = 60_000;
export const MAX_KEY_TRUST_MS = 30_000;

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const perWindow = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

// Every setting the app reads, from Workers bindings or process.env alike.
const ConfigShape = z.object({
  CORS_ORIGINS: csv.pipe(z.array(z.url({ protocol: /^https?$/ }))).default([]),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(100 * MiB)
    .default(MiB),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // Neon in production; a loopback host means the local Neon server (src/localdb).
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'Must be a postgres:// or postgresql:// URL' })
    .default(DEFAULT_DATABASE_URL),
  DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // Where short links live: shortUrl = PUBLIC_BASE_URL + '/' + slug. Unset:
  // the origin each request arrived at.
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  // Bootstraps the first admin on an empty database (see README).
  INITIAL_API_KEY: z.string().regex(KEY_PATTERN, `Must be ${KEY_RULE}`).optional(),
  // How long an isolate trusts what it cached: short links, and verified keys (at most MAX_KEY_TRUST_MS).
  LINK_CACHE_TTL_MS: z.coerce.number().int().min(0).max(MAX_LINK_CACHE_TTL_MS).default(30_000),
  // Intranet deployments may shorten links to private addresses (10/8, 172.16/12, 192.168/16, fc00::/7).
  ALLOW_PRIVATE_DESTINATIONS: flag.default(false),
  // Rate limits (README, "Rate limits"): shared through Upstash Redis when both are set, else per instance.
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/, error: 'Must be an http(s) URL' }).optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  RATE_LIMITS: flag.default(true),
  RATE_LIMIT_KEY_PER_MIN: perWindow(600),
  RATE_LIMIT_QR_PER_MIN: perWindow(120),
  RATE_LIMIT_REPORTS_PER_MIN: perWindow(5),
  RATE_LIMIT_REPORTS_PER_DAY: perWindow(20),
  RATE_LIMIT_AUTH_FAILURES_PER_MIN: perWindow(30),
  // Keys in the store start with it: deployments (or test runs) sharing one Redis keep apart.
  RATE_LIMIT_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'Must be 1–64 characters of A–Z, a–z, 0–9, _ : . -')
    .default('hop:rl'),
  // A store slower than this is not waited for: the request is allowed (and it is logged).
  RATE_LIMIT_TIMEOUT_MS: z.coerce.number().int().min(10).max(5_000).default(200),
  // How many proxies of yours append to X-Forwarded-For in front of the app; 0: never read it.
  TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  // Webhooks (README, "Webhooks"): http:// endpoints on loopback only with this (tests, local receivers).
  WEBHOOK_ALLOW_INSECURE: flag.default(false),
  // A receiver slower than this has failed the attempt.
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
  // What a cron service sends as `Authorization: Bearer …` to /api/cron/webhooks (Vercel Cron does).
  CRON_SECRET: z.string().min(16, 'Must be at least 16 characters').optional(),
  // The live click feed (README, "Live click feed"): a stream ends after this long (under Vercel's 300 s limit).
  STREAM_MAX_SECONDS: z.coerce.number().int().min(1).max(3_600).default(280),
  // Idle streams send a comment this often; the shared poller reads new clicks this often.
  STREAM_KEEPALIVE_MS: z.coerce.number().int().min(50).max(15_000).default(15_000),
  STREAM_POLL_MS: z.coerce.number().int().min(50).max(1_000).default(1_000),
  // Signs stream tickets; unset: derived from DATABASE_URL (secret in production, shared by every instance).
  STREAM_TICKET_SECRET: z.string().min(32, 'Must be at least 32 characters').optional(),
});

// The store needs both halves: one alone is a mistake worth stopping for.
const ConfigSchema = ConfigShape.superRefine((config, ctx) => {
  if (Boolean(config.UPSTASH_REDIS_REST_URL) !== Boolean(config.UPSTASH_REDIS_REST_TOKEN)) {
    const missing = config.UPSTASH_REDIS_REST_URL ? 'UPSTASH_REDIS_REST_TOKEN' : 'UPSTASH_REDIS_REST_URL';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'Set UPSTASH_REDIS_REST_URL and _TOKEN together' });
  }
});

/** The variables the app reads, for tools that forward them (dev:worker). */
export const CONFIG_KEYS = Object.keys(ConfigShape.shape);

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigSource = Record<string, unknown>;

const SECRET = new Set([
  'DATABASE_URL',
  'INITIAL_API_KEY',
  'UPSTASH_REDIS_REST_TOKEN',
  'CRON_SECRET',
  'STREAM_TICKET_SECRET',
]);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment; a bad value throws a message naming the variable. */
export function parseConfig(source: ConfigSource): Config {
  const picked: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = source[key];
    // An empty variable means "unset", as in most dotenv tooling.
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const result = ConfigSchema.safeParse(picked);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'config');
    // Never echo a connection string or a key: they are secrets.
    const got = SECRET.has(name) ? '' : ` (got ${JSON.stringify(picked[name])})`;
    return `${name}: ${issue.message}${got}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

const cache = new WeakMap<object, Config>();

/** Parses once per environment object: bindings and process.env live for the isolate. */
export function getConfig(source: ConfigSource = {}): Config {
  let config = cache.get(source);
  if (!config) {
    config = parseConfig(source);
    cache.set(source, config);
  }
  return config;
}
