import { handle } from '@/src/api/next-adapter';

// One route for the whole API: short links at the root (/{slug}) and /api/*,
// so one edge function, one module state, one link cache. Next serves `/`
// (app/page.tsx), public/ and /_next/* before it reaches a dynamic route.
// Edge today; the app is runtime-agnostic, so 'nodejs' is a one-line switch.
export const runtime = 'edge';

// Next only forwards the methods a route file exports.
export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
