import { nextHandler } from '@/src/api/next-adapter';

// Short links live at the root: hand them to the same app as /api. The
// segment's odd name keeps Next's param (which it copies into the query
// string) from clobbering a visitor's own `?slug=`; the adapter strips it.
export const runtime = 'edge';

const handle = nextHandler('hopSlug');

// Every method, so the app itself answers the others (405 with Allow).
export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
