import { sign } from './signing';

// One delivery attempt: a signed POST, no redirects followed, bounded in
// time, and what the receiver answered (status, a short excerpt, Retry-After).

export interface Message {
  /** `webhook-id`: the event's id, the same on every retry (receivers de-duplicate by it). */
  id: string;
  body: string;
}

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  /** The first bytes of the answer (≤ 1 KB), for the delivery log. */
  excerpt: string | null;
  error: string | null;
  /** What the receiver asked for with Retry-After, in seconds. */
  retryAfter: number | null;
}

export const EXCERPT_BYTES = 1024;

/** Retry-After as seconds: delta-seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** At most EXCERPT_BYTES of the body, as text Postgres can hold; the rest is never read. */
async function excerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, EXCERPT_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  let text = new TextDecoder().decode(bytes).replace(/\u0000/g, '');
  // A multi-byte character cut in two decodes as U+FFFD (3 bytes): trim back under the limit.
  while (new TextEncoder().encode(text).length > EXCERPT_BYTES) text = text.slice(0, -1);
  return text || null;
}

export async function attempt(
  url: string,
  secrets: string[],
  message: Message,
  timeoutMs: number,
  send: typeof fetch = fetch,
): Promise<AttemptResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const duration = () => Math.round(performance.now() - started);
  try {
    const response = await send(url, {
      method: 'POST',
      redirect: 'manual', // a redirect is an answer, never followed: it could lead inside the network
      signal,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Hop-Webhooks/1',
        'webhook-id': message.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': await sign(secrets, message.id, timestamp, message.body),
      },
      body: message.body,
    });
    const text = await excerpt(response).catch(() => null);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      status: response.status,
      durationMs: duration(),
      excerpt: text,
      error: ok ? null : `HTTP ${response.status}`,
      retryAfter: retryAfterSeconds(response.headers.get('Retry-After')),
    };
  } catch (error) {
    const timedOut = signal.aborted || (error as Error)?.name === 'TimeoutError';
    return {
      ok: false,
      status: null,
      durationMs: duration(),
      excerpt: null,
      error: timedOut
        ? `No answer within ${timeoutMs} ms`
        : `Could not connect: ${String((error as Error)?.message ?? error).slice(0, 200)}`,
      retryAfter: null,
    };
  }
}
