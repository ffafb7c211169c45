import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Tests and the worker build share this tree; keep Next's type-check to its own files.
  typescript: { tsconfigPath: 'tsconfig.json' },
  // Also keeps Next's edge adapter from renaming `nxtP…` query keys and
  // dropping `_rsc` in the URL our route gets (visitors' own parameters).
  skipProxyUrlNormalize: true,
};

export default nextConfig;
