import type { MiddlewareHandler } from 'hono';
import { problem } from '../../http/problem';
import type { AppEnv } from '../../lib/env';

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON bodies are UTF-8 (RFC 8259). A body in another charset, or with bytes
 * that are not UTF-8, would otherwise be decoded with U+FFFD in place of what
 * the client sent, and stored that way. Here: another charset is 415, invalid
 * UTF-8 is 400, and the decoded text is what the validators then parse.
 */
export function utf8Json(): MiddlewareHandler<AppEnv> {
  return async function utf8Json(c, next) {
    const type = c.req.header('Content-Type');
    if (!type || !JSON_TYPE.test(type)) return next();
    const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      return problem(c, 'unsupported-media-type', {
        detail: `charset=${charset} is not supported: send the body as application/json in UTF-8.`,
      });
    }
    let text: string;
    try {
      text = utf8.decode(await c.req.arrayBuffer());
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      return problem(c, 'malformed-body', { detail: 'The request body is not valid UTF-8.' });
    }
    // Hono keeps body promises in bodyCache (its type says values): json() parses this text.
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    await next();
  };
}
