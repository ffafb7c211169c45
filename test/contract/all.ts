import { describe } from 'vitest';
import { analyticsContract } from '../../src/api/routes/analytics/analytics.contract';
import { idempotencyContract } from '../../src/api/middleware/idempotency/idempotency.contract';
import { rateLimitContract } from '../../src/api/middleware/rate-limit/rate-limit.contract';
import { clicksStreamContract } from '../../src/api/routes/clicks-stream/clicks-stream.contract';
import { keysContract } from '../../src/api/routes/keys/keys.contract';
import { linkItemContract } from '../../src/api/routes/links/link-item.contract';
import { destinationsContract } from '../../src/api/routes/links/destinations.contract';
import { linksContract } from '../../src/api/routes/links/links.contract';
import { meContract } from '../../src/api/routes/me/me.contract';
import { redirectContract } from '../../src/api/routes/redirect/redirect.contract';
import { reportsContract } from '../../src/api/routes/reports/reports.contract';
import { usersContract } from '../../src/api/routes/users/users.contract';
import { webhooksContract } from '../../src/api/routes/webhooks/webhooks.contract';
import { contractSuite, type Send } from './suite';

/**
 * Every contract suite, for every runtime runner (Node, edge-runtime VM,
 * workerd). Resource suites live beside their routes in src/api/routes/.
 */
export function allContracts(send: Send) {
  contractSuite(send, { fixtures: true });
  describe('users', () => usersContract(send));
  describe('API keys', () => keysContract(send));
  describe('me', () => meContract(send));
  describe('links', () => linksContract(send));
  describe('a link', () => linkItemContract(send));
  describe('link destinations', () => destinationsContract(send));
  describe('Idempotency-Key', () => idempotencyContract(send));
  describe('redirects', () => redirectContract(send));
  describe('rate limits', () => rateLimitContract(send));
  describe('abuse reports and takedown', () => reportsContract(send));
  describe('analytics and click export', () => analyticsContract(send));
  describe('webhooks', () => webhooksContract(send));
  describe('live clicks', () => clicksStreamContract(send));
}
