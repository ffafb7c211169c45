import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../../lib/env';
import { problem } from '../../http/problem';

const byLimit = new Map<number, MiddlewareHandler>();

/** Hono's body limit with the limit from config and a 413 problem. */
export function bodyLimitFromConfig(): MiddlewareHandler<AppEnv> {
  return function limitBody(c, next) {
    const maxSize = c.var.config.BODY_LIMIT_BYTES;
    let handler = byLimit.get(maxSize);
    if (!handler) {
      handler = bodyLimit({
        maxSize,
        onError: (c) =>
          problem(c, 'body-too-large', { detail: `The request body exceeds the limit of ${maxSize} bytes.` }),
      });
      byLimit.set(maxSize, handler);
    }
    return handler(c, next);
  };
}
