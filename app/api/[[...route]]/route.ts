import { nextHandler } from '@/src/api/next-adapter';

// Edge today; the app is runtime-agnostic, so 'nodejs' is a one-line switch.
export const runtime = 'edge';

const handle = nextHandler('route');

// Next only forwards the methods a route file exports.
export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
