import { z } from '@hono/zod-openapi';

/** An absolute http(s) URL, at most 2048 characters. */
export const HttpUrlSchema = z
  .string()
  .max(2048, 'Must be at most 2048 characters')
  .pipe(z.url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL' }));
