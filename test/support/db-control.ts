import { inject } from 'vitest';
import { type LocalDbControl, localDbControl } from '../../src/localdb/control-client';

/**
 * For e2e tests: the fault switch of the database that the real servers share
 * (freeze, slow, destroy, unavailable; held and completed counts).
 */
export function dbControl(): LocalDbControl {
  return localDbControl(inject('dbControl'));
}
