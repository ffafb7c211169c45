import { z } from '@hono/zod-openapi';

/** Bytes a version-40 QR code holds in byte mode, per error-correction level. */
export const QR_CAPACITY = { L: 2953, M: 2331, Q: 1663, H: 1273 } as const;
export type Ecc = keyof typeof QR_CAPACITY;

const capacities = Object.entries(QR_CAPACITY)
  .map(([ecc, bytes]) => `${ecc} ${bytes.toLocaleString('en')}`)
  .join(', ');

export const QrQuerySchema = z.object({
  url: z
    .string()
    .max(2048, 'Must be at most 2048 characters')
    .pipe(z.url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL' }))
    .openapi({
      format: 'uri',
      maxLength: 2048,
      description:
        `The http(s) URL to encode, e.g. \`https://example.com/\`. A QR code holds at most this many bytes ` +
        `of UTF-8 per \`ecc\` level: ${capacities}; a longer URL answers 422.`,
    }),
  size: z.coerce
    .number()
    .int()
    .min(64)
    .max(2048)
    .default(256)
    .openapi({ description: 'Width and height of the image in pixels, 64–2048 (default 256).' }),
  margin: z.coerce
    .number()
    .int()
    .min(0)
    .max(16)
    .default(2)
    // Spelled out: a coerced 0–16 accepts null (as 0), which the generator would
    // document as nullable, and a `type` override replaces the whole schema.
    .openapi({
      type: 'integer',
      minimum: 0,
      maximum: 16,
      default: 2,
      description: 'Quiet zone around the code, in modules, 0–16 (default 2).',
    }),
  ecc: z
    .enum(['L', 'M', 'Q', 'H'])
    .default('M')
    .openapi({ description: 'Error correction level: L 7%, M 15% (default), Q 25%, H 30%.' }),
});
