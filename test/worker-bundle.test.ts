import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { run } from './support/process';

// Workers' free plan refuses bundles over 3 MiB gzipped; stay far below it.
const GZIP_BUDGET_KIB = 1024;

it('bundles the worker with wrangler deploy --dry-run within budget', async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'hop-worker-'));
  try {
    const output = await run('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', outdir], {
      WRANGLER_SEND_METRICS: 'false',
    });
    const match = output.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
    expect(match, output).not.toBeNull();
    const [raw, gzip] = [Number(match![1]), Number(match![2])];
    console.log(`worker bundle: ${raw} KiB raw, ${gzip} KiB gzip`);
    expect(gzip).toBeGreaterThan(10);
    expect(gzip).toBeLessThan(GZIP_BUDGET_KIB);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);
