import type { Config } from '../../lib/config';

// The quota policies, by the name clients see in RateLimit-Policy and in a
// 429's `violated-policies`. Each counts requests per partition (an API key,
// or a client address) in windows of `windowSeconds` that start with the
// partition's first request; the whole quota comes back when one ends.

export const POLICY_NAMES = ['key', 'qr', 'reports', 'reports-daily', 'failed-auth'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface Policy {
  name: PolicyName;
  quota: number;
  windowSeconds: number;
}

interface PolicyInfo {
  windowSeconds: number;
  setting: keyof Config & `RATE_LIMIT_${string}`;
  /** What one partition is, for the documentation. */
  per: string;
  what: string;
}

export const POLICY_INFO: Record<PolicyName, PolicyInfo> = {
  key: { windowSeconds: 60, setting: 'RATE_LIMIT_KEY_PER_MIN', per: 'API key', what: 'requests' },
  qr: { windowSeconds: 60, setting: 'RATE_LIMIT_QR_PER_MIN', per: 'client address', what: 'QR codes' },
  reports: { windowSeconds: 60, setting: 'RATE_LIMIT_REPORTS_PER_MIN', per: 'client address', what: 'reports' },
  'reports-daily': {
    windowSeconds: 86_400,
    setting: 'RATE_LIMIT_REPORTS_PER_DAY',
    per: 'client address',
    what: 'reports',
  },
  'failed-auth': {
    windowSeconds: 60,
    setting: 'RATE_LIMIT_AUTH_FAILURES_PER_MIN',
    per: 'client address',
    what: 'failed authentications (unknown, revoked or expired keys)',
  },
};

/** The policies with this deployment's quotas. */
export function policiesFor(config: Config): Record<PolicyName, Policy> {
  return Object.fromEntries(
    POLICY_NAMES.map((name) => [
      name,
      { name, quota: config[POLICY_INFO[name].setting] as number, windowSeconds: POLICY_INFO[name].windowSeconds },
    ]),
  ) as Record<PolicyName, Policy>;
}
