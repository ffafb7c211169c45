// Names that always mean "this machine". The local Neon server is reached by
// them, and short-link destinations must not use them.
export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]', '::1'] as const;

/** The local Neon server's HTTP port when DATABASE_URL names a loopback host without one. */
export const DEFAULT_LOCAL_DB_PORT = 4444;

/** Without configuration: the local Neon server (`npm run dev` starts it on PGlite). */
export const DEFAULT_DATABASE_URL = 'postgresql://hop:hop@localhost/hop';

export const isLoopbackHostname = (hostname: string) =>
  (LOOPBACK_HOSTNAMES as readonly string[]).includes(hostname.toLowerCase());
