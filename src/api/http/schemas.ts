import { z } from '@hono/zod-openapi';

/** An absolute http(s) URL, at most 2048 characters. */
export const HttpUrlSchema = z
  .string()
  .max(2048, 'Must be at most 2048 characters')
  .pipe(z.url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL' }));

/** Postgres text cannot hold U+0000: refuse it at the door rather than fail in SQL. */
export const noNul = [(value: string) => !value.includes('\u0000'), 'Must not contain the NUL character'] as const;
