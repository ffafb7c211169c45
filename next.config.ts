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
};

export default nextConfig;
