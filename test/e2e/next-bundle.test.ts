import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';

// The Next edge function the e2e setup just built, against the smallest
// edge size limit Vercel sets (1 MB gzipped on the Hobby plan). One route
// (app/[...hopPath]) serves short links and /api/*: one function, one state.
const LIMIT_KIB = 1024;

it('builds one Next edge function, within the edge size limit', () => {
  const manifest = JSON.parse(readFileSync('.next/server/middleware-manifest.json', 'utf8')) as {
    functions: Record<string, { files: string[] }>;
  };
  const functions = Object.entries(manifest.functions);
  expect(functions.map(([name]) => name).sort()).toEqual(['/[...hopPath]/route']);
  for (const [name, { files }] of functions) {
    const contents = files.map((file) => readFileSync(`.next/${file}`));
    const raw = contents.reduce((n, b) => n + b.length, 0) / 1024;
    const gzip = contents.reduce((n, b) => n + gzipSync(b).length, 0) / 1024;
    console.log(`next edge function ${name}: ${raw.toFixed(1)} KiB raw, ${gzip.toFixed(1)} KiB gzip`);
    expect(gzip).toBeLessThan(LIMIT_KIB);
  }
});
