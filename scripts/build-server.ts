// Part of `npm run build`: bundles the Node server mode (src/server) into
// dist/server.mjs, so `npm run serve` starts without compiling TypeScript
// (a quarter of a second instead of most of one). Packages stay external.
// dist/ sits one level under the root like scripts/, so paths the code builds
// from its own location (the migrations folder) resolve the same.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/server/index.ts'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
console.log('built dist/server.mjs');
