// Benchmark baseline: the cheapest possible redirect in workerd, to set
// beside the app's GET /{slug} under `wrangler dev` (scripts/bench.ts).
const LOCATION = 'https://example.com/bench';

export default {
  fetch(): Response {
    return new Response(null, { status: 302, headers: { Location: LOCATION, 'Cache-Control': 'no-store' } });
  },
};
