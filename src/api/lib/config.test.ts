import { describe, expect, it } from 'vitest';
import { ConfigError, getConfig, parseConfig } from './config';

describe('config', () => {
  it('has working defaults', () => {
    expect(parseConfig({})).toEqual({
      CORS_ORIGINS: [],
      BODY_LIMIT_BYTES: 1024 * 1024,
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgresql://hop:hop@localhost/hop',
      DB_QUERY_TIMEOUT_MS: 5000,
      LINK_CACHE_TTL_MS: 30_000,
      ALLOW_PRIVATE_DESTINATIONS: false,
      RATE_LIMITS: true,
      RATE_LIMIT_KEY_PER_MIN: 600,
      RATE_LIMIT_QR_PER_MIN: 120,
      RATE_LIMIT_REPORTS_PER_MIN: 5,
      RATE_LIMIT_REPORTS_PER_DAY: 20,
      RATE_LIMIT_AUTH_FAILURES_PER_MIN: 30,
      RATE_LIMIT_PREFIX: 'hop:rl',
      RATE_LIMIT_TIMEOUT_MS: 200,
      TRUSTED_PROXIES: 0,
      WEBHOOK_ALLOW_INSECURE: false,
      WEBHOOK_TIMEOUT_MS: 10_000,
      STREAM_MAX_SECONDS: 280,
      STREAM_KEEPALIVE_MS: 15_000,
      STREAM_POLL_MS: 1_000,
    });
  });

  it('bounds the click feed settings and never echoes the ticket secret', () => {
    expect(() => parseConfig({ STREAM_POLL_MS: '5000' })).toThrow(/STREAM_POLL_MS/);
    expect(() => parseConfig({ STREAM_KEEPALIVE_MS: '60000' })).toThrow(/STREAM_KEEPALIVE_MS/);
    expect(() => parseConfig({ STREAM_MAX_SECONDS: '0' })).toThrow(/STREAM_MAX_SECONDS/);
    expect(() => parseConfig({ STREAM_TICKET_SECRET: 'short-secret' })).toThrow(
      /^(?!.*short-secret).*STREAM_TICKET_SECRET/,
    );
  });

  it('takes the Upstash store only whole, and never echoes its token', () => {
    expect(() => parseConfig({ UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io' })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN: Set UPSTASH_REDIS_REST_URL and _TOKEN together/,
    );
    let message = '';
    try {
      parseConfig({ UPSTASH_REDIS_REST_URL: 'ftp://x', UPSTASH_REDIS_REST_TOKEN: 'sekrit-token' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/UPSTASH_REDIS_REST_URL: Must be an http\(s\) URL/);
    expect(message).not.toContain('sekrit-token');
    const config = parseConfig({ UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't' });
    expect(config.UPSTASH_REDIS_REST_TOKEN).toBe('t');
  });

  it('parses the comma-separated allow-list and numbers', () => {
    const config = parseConfig({
      CORS_ORIGINS: ' https://a.example, http://localhost:3000 ,',
      BODY_LIMIT_BYTES: '2048',
    });
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(config.BODY_LIMIT_BYTES).toBe(2048);
  });

  it.each([
    ['BODY_LIMIT_BYTES', 'lots'],
    ['BODY_LIMIT_BYTES', '-5'],
    ['LOG_LEVEL', 'verbose'],
    ['CORS_ORIGINS', 'ftp://files.example'],
    ['DB_QUERY_TIMEOUT_MS', '5'],
    ['LINK_CACHE_TTL_MS', '61000'],
    ['PUBLIC_BASE_URL', 'hop.example'],
    ['ALLOW_PRIVATE_DESTINATIONS', 'yes'],
    ['RATE_LIMIT_KEY_PER_MIN', '0'],
    ['RATE_LIMIT_REPORTS_PER_DAY', 'many'],
    ['RATE_LIMIT_PREFIX', 'has spaces'],
    ['RATE_LIMIT_TIMEOUT_MS', '5'],
    ['TRUSTED_PROXIES', '-1'],
    ['RATE_LIMITS', 'maybe'],
    ['WEBHOOK_ALLOW_INSECURE', 'sure'],
    ['WEBHOOK_TIMEOUT_MS', '60000'],
  ])('fails fast on a bad %s, naming it', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(`${name}: .*${value.replace(/[-/]/g, '.')}`));
  });

  it('never echoes a bad CRON_SECRET', () => {
    expect(() => parseConfig({ CRON_SECRET: 'short-secret' })).toThrow(/CRON_SECRET: Must be at least 16/);
    expect(() => parseConfig({ CRON_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('never echoes a bad INITIAL_API_KEY', () => {
    expect(() => parseConfig({ INITIAL_API_KEY: 'hop_short-secret' })).toThrow(/INITIAL_API_KEY: /);
    expect(() => parseConfig({ INITIAL_API_KEY: 'hop_short-secret' })).not.toThrow(/short-secret/);
  });

  it('accepts an INITIAL_API_KEY exactly when the Authorization parser would', () => {
    const key = (n: number) => `hop_${'k'.repeat(n)}`;
    expect(parseConfig({ INITIAL_API_KEY: key(128) }).INITIAL_API_KEY).toBe(key(128));
    expect(() => parseConfig({ INITIAL_API_KEY: key(129) })).toThrow(/INITIAL_API_KEY: .*128/);
    expect(() => parseConfig({ INITIAL_API_KEY: key(31) })).toThrow(/INITIAL_API_KEY: /);
  });

  it('drops a trailing slash from PUBLIC_BASE_URL', () => {
    expect(parseConfig({ PUBLIC_BASE_URL: 'https://hop.example/' }).PUBLIC_BASE_URL).toBe('https://hop.example');
  });

  it('never echoes a bad DATABASE_URL, which may hold a password', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://u:pw-secret@h/db' })).toThrow(/DATABASE_URL: /);
    expect(() => parseConfig({ DATABASE_URL: 'mysql://u:pw-secret@h/db' })).not.toThrow(/pw-secret/);
  });

  it('parses each environment object once', () => {
    const env = { LOG_LEVEL: 'warn' };
    expect(getConfig(env)).toBe(getConfig(env));
  });
});
