import type { TestResponse } from '../contract/suite';

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
  /** performance.now() when it was read. */
  receivedAt: number;
}

/**
 * Reads a text/event-stream response as it arrives: events, comments and
 * the retry field, with waits for what a test expects next. `close()`
 * cancels the body, as a client that goes away does.
 */
export function readSse(res: TestResponse | Response) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let retry: number | undefined;
  let ended = false;
  let buffer = '';
  const waiters = new Set<() => void>();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const wake = () => waiters.forEach((w) => w());
  const parse = (block: string) => {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else {
        const at = line.indexOf(':');
        const name = at < 0 ? line : line.slice(0, at);
        fields[name] = (fields[name] !== undefined ? fields[name] + '\n' : '') + line.slice(at + 1).replace(/^ /, '');
      }
    }
    if (fields.retry) retry = Number(fields.retry);
    if (fields.data !== undefined) {
      events.push({
        id: fields.id,
        event: fields.event ?? 'message',
        data: JSON.parse(fields.data),
        receivedAt: performance.now(),
      });
    }
  };
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        wake();
      }
    } catch {
      // cancelled
    } finally {
      ended = true;
      wake();
    }
  })();
  const until = (check: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${events.length} events)`));
      }, timeoutMs);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve();
      };
      waiters.add(waiter);
    });
  const clicks = () => events.filter((e) => e.event === 'click');
  return {
    events,
    comments,
    clicks,
    get retry() {
      return retry;
    },
    get ended() {
      return ended;
    },
    /** The id of the last event: what EventSource sends as Last-Event-ID. */
    lastId: () => events.findLast((e) => e.id !== undefined)?.id,
    waitForEvent: (event: string, timeoutMs = 10_000) =>
      until(() => events.some((e) => e.event === event), timeoutMs, `event: ${event}`),
    waitForClicks: (count: number, timeoutMs = 10_000) =>
      until(() => clicks().length >= count, timeoutMs, `${count} clicks`),
    waitForComment: (text: string, timeoutMs = 10_000) => until(() => comments.includes(text), timeoutMs, `: ${text}`),
    waitForEnd: (timeoutMs = 10_000) => until(() => ended, timeoutMs, 'the end of the stream'),
    close: async () => {
      await reader.cancel().catch(() => {});
      await done;
    },
  };
}
