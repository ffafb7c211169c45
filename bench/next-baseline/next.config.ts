import type { NextConfig } from 'next';

// Same settings as the app's next.config.ts that matter on the request path.
const nextConfig: NextConfig = {
  poweredByHeader: false,
};

export default nextConfig;
