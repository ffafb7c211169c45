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
  // Most resources have UUIDs; clicks have identity numbers.
  id: z.union([z.uuid(), z.string().regex(/^\d{1,19}$/)]),
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
    .openapi({ description: 'Items per page, 1–100 (default 20).' }),
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
    .openapi({ type: 'string', description: 'The `nextCursor` of the previous page (also in its `Link` header).' }),
});

export const NextCursorSchema = z
  .string()
  .nullable()
  .openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' });

export const LinkHeader = z.object({
  Link: z
    .string()
    .optional()
    .openapi({ description: 'The next page, when there is one: `</api/v1/…&cursor=…>; rel="next"`.' }),
});

/**
 * The tail of a keyset query, `where … order by … limit $n`, over `table`'s
 * created_at and id, after `cursor`. Select `cursorColumn(table)` beside the
 * row so `paginate` can build the next cursor.
 */
export function keysetPage(
  page: { cursor?: Cursor; limit: number },
  where: string[],
  params: unknown[],
  table = '',
  keys: KeysetColumns = CREATED,
) {
  const conditions = [...where];
  const at = `${table}${keys.at}`;
  if (page.cursor) {
    params.push(page.cursor.at, page.cursor.id);
    const n = params.length;
    conditions.push(`(${at}, ${table}id) < ($${n - 1}::timestamptz, $${n}::${keys.idType})`);
  }
  params.push(page.limit + 1);
  return `${conditions.length ? `where ${conditions.join(' and ')}` : ''}
    order by ${at} desc, ${table}id desc limit $${params.length}`;
}

/** The time column a keyset orders by, and the type of the id that breaks ties. */
export interface KeysetColumns {
  at: string;
  idType: 'uuid' | 'bigint';
}
const CREATED: KeysetColumns = { at: 'created_at', idType: 'uuid' };

export const cursorColumn = (table = '', at = CREATED.at) => `${table}${at}::text as "cursorAt"`;

/**
 * Takes the `limit + 1` rows a keyset query fetched, returns the page and,
 * when there is more, sets `Link: <…>; rel="next"` and the next cursor.
 */
export function paginate<T extends { cursorAt: string; id: string }, I>(
  c: Context,
  rows: T[],
  limit: number,
  toItem: (row: T) => I,
): { items: I[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null;
  if (nextCursor) {
    const url = new URL(c.req.url);
    url.searchParams.set('cursor', nextCursor);
    c.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  return { items: page.map(toItem), nextCursor };
}
