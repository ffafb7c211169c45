import { z } from '@hono/zod-openapi';

/** Postgres text cannot hold U+0000: refuse it at the door rather than fail in SQL. */
export const noNul = [(value: string) => !value.includes('\u0000'), 'Must not contain the NUL character'] as const;

/** A string of `min`–`max` characters counted as Postgres' char_length does (code points). */
export const chars = (min: number, max: number) =>
  z
    .string()
    .refine((value) => {
      const length = [...value].length;
      return length >= min && length <= max;
    }, `Must be ${min}–${max} characters`)
    .refine(...noNul)
    .openapi({ minLength: min, maxLength: max });

/** An ISO 8601 date-time with an offset, e.g. 2027-01-01T00:00:00Z. */
export const DateTimeSchema = z.iso.datetime({ offset: true, error: 'Must be an ISO 8601 date-time with an offset' });

/** A date-time in the future (expiries). */
export const FutureDateTimeSchema = DateTimeSchema.refine(
  (value) => Date.parse(value) > Date.now(),
  'Must be in the future',
);

// No example: Swagger UI would pre-fill it, and send it, for an id that does not exist here.
export const IdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const LocationHeader = z.object({
  Location: z.string().openapi({ description: 'Where the created resource lives.' }),
});

/**
 * A query parameter that may repeat (`?tag=a&tag=b`): Hono hands over a
 * string for one value and an array for several; handlers always get an array.
 */
export const repeatable = <T extends z.ZodString>(item: T, max: number) =>
  z
    .union([item, z.array(item).max(max, `At most ${max} values`)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .openapi({ type: 'array', items: { type: 'string' }, maxItems: max });

/**
 * A server-side default for an input field, stated in the description rather
 * than as `default`: openapi-typescript reads `default` in a component schema
 * as "always present" and would make the field required in request types.
 */
export const withDefault = <T extends z.ZodType>(schema: T, value: NonNullable<z.output<T>>, description = '') =>
  schema
    .optional()
    .transform((given) => given ?? value)
    .openapi({ description: `${description}${description && ' '}Default: \`${JSON.stringify(value)}\`.` });

/**
 * An `application/json` content entry. A request body's example is what
 * Swagger UI's "Try it out" starts from: make it the smallest request that
 * works every time.
 */
export const jsonContent = <T extends z.ZodType>(schema: T, example?: unknown) => ({
  'application/json': { schema, ...(example !== undefined && { example }) },
});
