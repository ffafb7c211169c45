import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Tests and the worker build share this tree; keep Next's type-check to its own files.
  typescript: { tsconfigPath: 'tsconfig.json' },
};

export default nextConfig;
