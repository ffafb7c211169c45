import { expect, it } from 'vitest';
import { run } from './support/process';

it('keeps the code formatted (npm run format)', async () => {
  const output = await run('node_modules/.bin/prettier', ['--check', '.']).catch((e: Error) => e.message);
  expect(output).toMatch(/All matched files use Prettier code style/);
}, 60_000);
