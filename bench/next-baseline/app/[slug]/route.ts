// Benchmark baseline: the cheapest possible redirect through `next start`,
// on the same runtime as the app's app/[slug]/route.ts (scripts/bench.ts).
export const runtime = 'edge';

const LOCATION = 'https://example.com/bench';

export function GET(): Response {
  return new Response(null, { status: 302, headers: { Location: LOCATION, 'Cache-Control': 'no-store' } });
}
