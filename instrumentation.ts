// Runs once in each server runtime before it takes requests.
export async function register(): Promise<void> {
  // Next's own Node HTTP server (`next start`, `next dev`): answer the methods
  // Next cannot route, and keep the URL as sent (app/_glue/node-guard.ts).
  // Not under `npm run serve`, whose front (src/server) does that itself.
  if (process.env.NEXT_RUNTIME === 'nodejs' && !process.env.HOP_NODE_SERVER) await import('./app/_glue/node-guard');
}
