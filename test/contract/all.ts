import { describe } from 'vitest';
import { linksContract } from '../../src/api/routes/links/links.contract';
import { redirectContract } from '../../src/api/routes/redirect/redirect.contract';
import { contractSuite, type Send } from './suite';

/**
 * Every contract suite, for every runtime runner (Node, edge-runtime VM,
 * workerd). Resource suites live beside their routes in src/api/routes/.
 */
export function allContracts(send: Send) {
  contractSuite(send, { fixtures: true });
  describe('links', () => linksContract(send));
  describe('redirects', () => redirectContract(send));
}
