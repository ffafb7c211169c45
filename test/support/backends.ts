/** Where Node tests with a database of their own run: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const BACKENDS = [
  ['PGlite', undefined],
  ['PostgreSQL', process.env.TEST_DATABASE_URL],
] as const;

export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

let warned = false;
/** True when a PostgreSQL-only test must be skipped; says so once, visibly. */
export function skipWithoutPostgres(name: string): boolean {
  if (name !== 'PostgreSQL' || POSTGRES_URL) return false;
  if (!warned) {
    warned = true;
    console.warn(
      'TEST_DATABASE_URL is not set: PostgreSQL variants are skipped (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test).',
    );
  }
  return true;
}
