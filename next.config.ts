import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Tests and the worker build share this tree; keep Next's type-check to its own files.
  typescript: { tsconfigPath: 'tsconfig.json' },
  // proxy.ts sees the URL exactly as the client sent it, and passes it on to the app.
  skipProxyUrlNormalize: true,
};

export default nextConfig;
