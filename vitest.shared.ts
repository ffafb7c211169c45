import { fileURLToPath } from 'node:url';

/** `@/…` is the repository root, as in tsconfig.json's paths (tests in src/ import test helpers by it). */
export const resolve = { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL('./', import.meta.url)) }] };
