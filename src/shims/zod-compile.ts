// Build-time stand-in for zod's zod/v4/core/compile.js (see README.md beside
// this file): `z.compile`, which generates a schema's parser with
// `new Function`. Workers and the edge runtime refuse code generation, so
// there zod's own `compile(schema)` already hands the schema back unchanged
// (and `{ strict: true }` throws ZodCompileUnsupportedError): this does the
// same without shipping the code generator.
export const INVALID = Symbol.for('zod.compile.invalid');

export class ZodCompileAsyncError extends Error {
  constructor(message = 'z.compile does not support async refinements, transforms, or checks') {
    super(message);
    this.name = 'ZodCompileAsyncError';
  }
}

export class ZodCompileUnsupportedError extends Error {
  islandable: boolean;
  constructor(feature: string, islandable = true) {
    super(`z.compile does not support ${feature}; this schema must use the runtime parser`);
    this.name = 'ZodCompileUnsupportedError';
    this.islandable = islandable;
  }
}

const LEFT_OUT = 'code generation (left out of this bundle: src/shims/README.md)';

export function compile<T>(schema: T, options?: { strict?: boolean }): T {
  if (options?.strict) throw new ZodCompileUnsupportedError(LEFT_OUT);
  return schema;
}

export function compileFn(): never {
  throw new ZodCompileUnsupportedError(LEFT_OUT);
}

export function withParser(): never {
  throw new ZodCompileUnsupportedError(LEFT_OUT);
}
