import { contractSuite, type Send } from './suite';

/**
 * Every contract suite, for every runtime runner (Node, edge-runtime VM,
 * workerd). Resource suites live beside their routes in src/api/routes/.
 */
export function allContracts(send: Send) {
  contractSuite(send, { fixtures: true });
}
