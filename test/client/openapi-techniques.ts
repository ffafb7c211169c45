// How @hono/zod-openapi 1.6 (zod-to-openapi 9.1, zod 4) writes what generated
// clients need. Run: npx tsx test/client/openapi-techniques.ts
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

// (b) A transformed string: describe the transform's *input* (zod-to-openapi
// walks a pipe's `in` side), add only `format`. An `.openapi({ type })`
// override replaces the whole generated schema: maxLength, nullability and
// defaults are lost.
const Url = z
  .string()
  .trim()
  .max(2048)
  .transform((value) => new URL(value).href);
const UrlOverridden = Url.openapi({ type: 'string', format: 'uri' }); // today's way
const UrlFormatted = Url.openapi({ format: 'uri' });

// (c) An integer enum: a numeric z.enum, not a union of literals (anyOf of
// `type: number` singletons) nor z.literal([...]) (only its first value is written).
const RedirectStatus = z.enum({ MovedPermanently: 301, Found: 302, TemporaryRedirect: 307, PermanentRedirect: 308 });
const RedirectStatusUnion = z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]);
const RedirectStatusLiterals = z.literal([301, 302, 307, 308]);

// (d) Date-times: z.iso.datetime() (or `.openapi({ format: 'date-time' })` on a plain string).
const Timestamp = z.iso.datetime({ offset: true });

// (a) zod-to-openapi 9 writes one schema per registered component, with no
// input/output modes: a .default() field is left out of `required` (it accepts
// undefined) and written with `default`, which openapi-typescript (default
// options) reads as "always present" outside inline request bodies and
// parameters. Inputs therefore state the default in words; outputs are separate
// components whose fields are plain, hence required.
const withDefault = <T extends z.ZodType>(schema: T, value: NonNullable<z.output<T>>, description: string) =>
  schema
    .optional()
    .transform((given) => given ?? value)
    .openapi({ description: `${description} Default: \`${JSON.stringify(value)}\`.` });

const DemoInput = z
  .object({
    url: UrlFormatted,
    tagsDefault: z.array(z.string()).default([]), // today's way
    tags: withDefault(z.array(z.string()).max(10), [], 'Labels.'),
    redirectStatus: withDefault(RedirectStatus, 302, 'The redirect’s status code.'),
    expiredUrl: UrlFormatted.optional(),
    expiresAt: Timestamp.optional(),
  })
  .openapi('DemoInput');

const DemoPatch = z
  .object({
    expiredUrlOverridden: UrlOverridden.nullable().optional(), // today's way
    expiredUrl: UrlFormatted.nullable().optional(),
    expiresAt: Timestamp.nullable().optional(),
    redirectStatus: RedirectStatus.optional(),
  })
  .openapi('DemoPatch');

const Demo = z
  .object({
    redirectStatus: RedirectStatus,
    redirectStatusUnion: RedirectStatusUnion,
    redirectStatusLiterals: RedirectStatusLiterals,
    tags: z.array(z.string()),
    expiresAt: Timestamp.nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Demo');

// (e) One shared Problem schema without field examples; examples per response
// (media type `examples`, here one from components/examples by $ref).
// (f) The open registry of `type` URIs as a Markdown table in its description.
const Problem = z
  .object({
    type: z.string().openapi({
      format: 'uri',
      description:
        'What kind of problem. `about:blank` when the status says it all, otherwise one of:\n\n' +
        '| type | status | meaning |\n|---|---|---|\n' +
        '| `urn:hop:problem:slug-taken` | 409 | The slug is in use. |\n' +
        '| `urn:hop:problem:validation` | 422 | `errors` names each invalid field. |\n\n' +
        'New types may be added: treat an unknown one by its status.',
    }),
    status: z.number().int(),
    detail: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
  })
  .openapi('Problem');

const app = new OpenAPIHono();
app.openAPIRegistry.registerComponent('examples', 'SlugTaken', {
  summary: 'urn:hop:problem:slug-taken',
  value: {
    type: 'urn:hop:problem:slug-taken',
    status: 409,
    detail: 'The slug is already in use.',
    errors: { slug: ['"launch-2026" is already in use'] },
  },
});
type Examples = Record<string, { summary?: string; value: unknown } | { $ref: string }>;
const problemContent = (examples: Examples) => ({
  'application/problem+json': { schema: Problem, examples },
});

app.openapi(
  createRoute({
    method: 'post',
    path: '/demo',
    request: {
      // (g) An optional parameter: the example lives in the description;
      // `example`, `examples` or a schema `example` would be pre-filled by
      // Swagger UI's Try it out and sent.
      query: z.object({
        tag: z.string().optional().openapi({ description: 'Only links with this tag, e.g. `launch`.' }),
      }),
      body: { content: { 'application/json': { schema: DemoInput } } },
    },
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: Demo } } },
      404: {
        description: 'Not found',
        content: problemContent({
          'not-found': { value: { type: 'about:blank', status: 404, detail: 'No link with id 0b9e….' } },
        }),
      },
      409: {
        description: 'Slug taken',
        content: problemContent({ 'slug-taken': { $ref: '#/components/examples/SlugTaken' } }),
      },
    },
  }),
  (c) => c.json({} as never, 200),
);
app.openapi(
  createRoute({
    method: 'patch',
    path: '/demo',
    request: { body: { content: { 'application/json': { schema: DemoPatch } } } },
    responses: { 204: { description: 'Changed' } },
  }),
  (c) => c.body(null, 204),
);

const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'demo', version: '1' } });
console.log(JSON.stringify({ components: doc.components, post: doc.paths?.['/demo']?.post }, null, 2));
