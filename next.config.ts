import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Tests and the worker build share this tree; keep Next's type-check to its own files.
  typescript: { tsconfigPath: 'tsconfig.json' },
  turbopack: {
    // Three zod modules the app never uses, out of the bundle: src/shims/README.md.
    // The same list is in wrangler.toml [alias].
    resolveAlias: {
      '../locales/index.js': './src/shims/zod-locales.ts',
      './from-json-schema.js': './src/shims/zod-from-json-schema.ts',
      './compile.js': './src/shims/zod-compile.ts',
    },
  },
  // Also keeps Next's edge adapter from renaming `nxtP…` query keys and
  // dropping `_rsc` in the URL our route gets (visitors' own parameters).
  skipProxyUrlNormalize: true,
  // next dev: the app writes one JSON access-log line per request (no query:
  // it may hold secrets); Next's own "GET /x?… 200 in 5ms" line would double
  // it, query included.
  logging: { incomingRequests: false },
  // next dev trusts localhost for its dev resources (HMR socket, /_next/*);
  // the loopback addresses it prints and binds are the same machine.
  allowedDevOrigins: ['127.0.0.1', '[::1]'],
};

export default nextConfig;
