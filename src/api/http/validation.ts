import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { problem } from './problem';

/** Groups zod issues by dotted field path: `{ "a.b.0": ["message"] }`. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || '(root)';
    (errors[field] ??= []).push(issue.message);
  }
  return errors;
}

const WHERE: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query string',
  param: 'path',
  header: 'headers',
  cookie: 'cookies',
};

/** A 422 validation problem naming each invalid field. */
export function invalid(c: Context, errors: Record<string, string[]>, where = 'body'): Response {
  const count = Object.keys(errors).length;
  return problem(c, 'validation', {
    detail: `The ${where} has ${count} invalid field${count === 1 ? '' : 's'}.`,
    errors,
  });
}

/** True when there is nothing to report. */
export const noErrors = (errors: Record<string, string[]>) => Object.keys(errors).length === 0;

/** The OpenAPIHono default hook: every failed validation becomes a 422 problem. */
export function validationHook(
  result: { success: boolean; target: string; error?: z.ZodError },
  c: Context,
): Response | undefined {
  if (result.success || !result.error) return undefined;
  return invalid(c, fieldErrors(result.error), WHERE[result.target] ?? result.target);
}
