import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';

// Keyset pagination over (created_at desc, id desc): stable while rows are
// inserted, cheap at any depth. The cursor is opaque to clients.

export interface Cursor {
  /** Postgres' own text for the timestamp, so microseconds survive the round trip. */
  at: string;
  id: string;
}

// `at` is Postgres' own timestamptz text, e.g. 2026-11-21 22:29:16.947123+00.
const CursorSchema = z.object({
  at: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/)
    .refine((at) => !Number.isNaN(Date.parse(at.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')))),
  id: z.uuid(),
});

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
}

export const encodeCursor = (cursor: Cursor) => toBase64Url(JSON.stringify([cursor.at, cursor.id]));

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ description: 'Items per page, 1–100.', example: 20 }),
  cursor: z
    .string()
    .max(256)
    .transform((value, ctx) => {
      try {
        const [at, id] = JSON.parse(fromBase64Url(value)) as [string, string];
        return CursorSchema.parse({ at, id });
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Not a cursor this API issued' });
        return z.NEVER;
      }
    })
    .optional()
    .openapi({ type: 'string', description: 'The `cursor` of the `Link: rel="next"` URL of the previous page.' }),
});

/**
 * Takes the `limit + 1` rows a query fetched, returns the page and, when
 * there is more, sets `Link: <…>; rel="next"` and returns the next cursor.
 */
export function paginate<T extends { cursorAt: string; id: string }>(
  c: Context,
  rows: T[],
  limit: number,
): { items: Omit<T, 'cursorAt'>[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null;
  if (nextCursor) {
    const url = new URL(c.req.url);
    url.searchParams.set('cursor', nextCursor);
    c.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  return { items: page.map(({ cursorAt: _, ...item }) => item), nextCursor };
}

/** The SQL condition for rows after the cursor, with its parameters appended to `params`. */
export function afterCursor(cursor: Cursor | undefined, params: unknown[], table = ''): string | null {
  if (!cursor) return null;
  params.push(cursor.at, cursor.id);
  const n = params.length;
  return `(${table}created_at, ${table}id) < ($${n - 1}::timestamptz, $${n}::uuid)`;
}
