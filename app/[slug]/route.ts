import { handle } from '@/src/api/next-adapter';

// Short links live at the root: hand them to the same app as /api.
export const runtime = 'edge';

export const GET = handle;
export const HEAD = handle;
