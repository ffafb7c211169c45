// Runs once in each server runtime before it takes requests.
export async function register(): Promise<void> {
  // Node's HTTP server, under `next start` and `next dev`: answer TRACE, which Next cannot (app/_glue/node-guard.ts).
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./app/_glue/node-guard');
}
