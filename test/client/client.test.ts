import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString, NULL } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../../scripts/openapi';
import { run } from '../support/process';

// What a third party gets from openapi/openapi.json: openapi-typescript's
// types (default options) with openapi-fetch, type-checking an integration
// that uses the API as documented (test/client/links.client.ts).
//
// Types cannot tell a date-time from any other string, so the generator here
// types `format: date-time` as the template literal `DateTime`, which the
// integration checks for; everything else is stock openapi-typescript.

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(import.meta.dirname, 'links.client.ts');

const DATE_TIME = ts.factory.createTypeReferenceNode('DateTime');

async function generateClientTypes(document: object): Promise<string> {
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], {
    silent: true,
    inject: 'export type DateTime = `${number}-${number}-${number}T${string}`;',
    transform(schema) {
      if (schema.format !== 'date-time') return undefined;
      const nullable = Array.isArray(schema.type) ? schema.type.includes('null') : Boolean(schema.nullable);
      return nullable ? ts.factory.createUnionTypeNode([DATE_TIME, NULL]) : DATE_TIME;
    },
  });
  return astToString(ast);
}

let dir: string;
const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hop-client-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('type-checks an openapi-fetch integration against the generated client', async () => {
  writeFileSync(join(dir, 'hop-api.d.ts'), await generateClientTypes(document));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        module: 'esnext',
        moduleResolution: 'bundler',
        strict: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        paths: { 'hop-api': ['./hop-api.d.ts'] },
      },
      files: [SCRIPT],
    }),
  );
  // tsc names files relative to the working directory: the repository root under vitest.
  const output = await run(join(ROOT, 'node_modules/.bin/tsc'), [
    '-p',
    join(dir, 'tsconfig.json'),
    '--pretty',
    'false',
  ]).catch((e: Error) => e.message);
  expect(output).toBe('');
}, 60_000);

type Json = Record<string, any>;
const operations = (): [string, Json][] =>
  Object.entries(document.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json).map(([method, op]): [string, Json] => [`${method.toUpperCase()} ${path}`, op]),
  );

/** Component schemas a request body uses, directly or nested. */
function requestSchemas(): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (names.has(name)) return;
      names.add(name);
      visit(document.components.schemas[name]);
    }
    Object.values(node).forEach(visit);
  };
  operations().forEach(([, op]) => visit(op.requestBody));
  return names;
}

// What types cannot show: Swagger UI's "Try it out" pre-fills an optional
// parameter from its `examples`, `example` or schema `example` (a schema
// `default` is what the server does anyway), and sends it on Execute.
it('pre-fills no optional parameter in Swagger UI', () => {
  const prefilled = operations().flatMap(([name, op]) =>
    ((op.parameters ?? []) as Json[])
      .filter((p) => !p.required)
      .filter((p) => p.example !== undefined || p.examples !== undefined || p.schema?.example !== undefined)
      .map((p) => `${name} ${p.in} ${p.name}`),
  );
  expect(prefilled).toEqual([]);
});

it('documents no query, path or header parameter as nullable (a client would send null)', () => {
  const nullable = operations().flatMap(([name, op]) =>
    ((op.parameters ?? []) as Json[])
      .filter((p) => [p.schema?.type].flat().includes('null'))
      .map((p) => `${name} ${p.in} ${p.name}`),
  );
  expect(nullable).toEqual([]);
});

it('gives each problem response its own example, and request URLs their length limit', () => {
  const problem = document.components.schemas.Problem;
  const fieldExamples = Object.keys(problem.properties).filter((k) => problem.properties[k].example !== undefined);
  const unexampled = operations().flatMap(([name, op]) =>
    Object.entries(op.responses as Json)
      .filter(([, r]) => r.content?.['application/problem+json'])
      .filter(([, r]) => {
        const media = r.content['application/problem+json'];
        return !media.example && !media.examples;
      })
      .map(([status]) => `${name} ${status}`),
  );
  const unbounded = [...requestSchemas()].flatMap((name) =>
    Object.entries((document.components.schemas[name].properties ?? {}) as Json)
      .filter(([, p]) => p.format === 'uri' && p.maxLength === undefined)
      .map(([field]) => `${name}.${field}`),
  );
  expect({ fieldExamples, unexampled: unexampled.length, unbounded }).toEqual({
    fieldExamples: [],
    unexampled: 0,
    unbounded: [],
  });
});
