import { nextHandler } from '@/src/api/next-adapter';

// Short links live at the root: hand them to the same app as /api. The
// segment's odd name keeps Next's param (which it copies into the query
// string) from clobbering a visitor's own `?slug=`; the adapter strips it.
export const runtime = 'edge';

const handle = nextHandler('hopSlug');

export const GET = handle;
export const HEAD = handle;
