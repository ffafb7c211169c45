// Build-time stand-in for zod's zod/v4/classic/from-json-schema.js (see
// README.md beside this file): `z.fromJSONSchema`, which builds a zod schema
// from a JSON Schema at run time. Nothing here uses it; it is only kept in the
// bundles because `z` is used as a whole object.
export function fromJSONSchema(): never {
  throw new Error('z.fromJSONSchema is left out of this bundle (src/shims/README.md)');
}
