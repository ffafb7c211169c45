import { expect, it } from 'vitest';
import { run } from './support/process';

// Next's build type-checks tsconfig.json (the e2e setup builds it); this
// checks the worker side against Cloudflare's types, kept out of Next's.
it('type-checks the worker and its tests with workers-types', async () => {
  const output = await run('node_modules/.bin/tsc', ['--noEmit', '-p', 'tsconfig.worker.json']).catch(
    (e: Error) => e.message,
  );
  expect(output).toBe('');
}, 120_000);
