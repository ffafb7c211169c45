import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH, renderOpenApi } from '../scripts/openapi';
import { run } from './support/process';

describe('openapi/openapi.json', () => {
  it('matches what the code generates (run `npm run openapi`)', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(renderOpenApi());
  });

  it('passes Redocly lint with the recommended rules', async () => {
    // run() rejects on a non-zero exit, which Redocly gives for any error.
    const output = await run('node_modules/.bin/redocly', ['lint', OPENAPI_PATH], {
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    });
    expect(output).toMatch(/valid/);
    expect(output).not.toMatch(/\d+ errors?/);
  }, 120_000);
});
