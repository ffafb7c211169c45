/** One server-sent event; `data` is JSON-encoded (one line). */
export const sseEvent = (event: string, id: string, data: unknown) =>
  `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export interface SseSink {
  /** Queues a frame; the stream's own timer writes it. */
  send(frame: string): void;
  /** Ends the stream (the client reconnects with its cursor). */
  close(): void;
}

export interface SseOptions {
  /** A comment goes out after this long without anything else. */
  keepAliveMs: number;
  /** The stream ends after this long. */
  maxMs: number;
  /** How often queued frames are written (and `onPump` runs). */
  pumpMs: number;
  /** Sent first: how long the client waits before reconnecting. */
  retryMs: number;
  /** The request's signal: its abort releases everything, like a cancelled body. */
  signal?: AbortSignal;
  onPump?: () => void;
}

const MAX_QUEUED_CHARS = 1 << 20;
const encoder = new TextEncoder();

/**
 * A text/event-stream body over Web streams. `open` starts whatever feeds
 * the sink and returns its release, which runs exactly once: at the end of
 * the stream, on client disconnect (cancel or abort) or when a client too
 * slow to read lets 1 MiB pile up. Frames are queued and written by the
 * stream's own timer, never from another request's callbacks (Workers tie
 * I/O to the request that made it), which also batches bursts.
 */
export function sseStream(open: (sink: SseSink) => () => void, options: SseOptions): ReadableStream<Uint8Array> {
  let queue: string[] = [`retry: ${options.retryMs}\n\n`];
  let queued = 0;
  let closing = false;
  let finish = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const started = Date.now();
      let lastWrite = started;
      let released = false;
      let release = () => {};
      const onAbort = () => finish();
      finish = () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        options.signal?.removeEventListener('abort', onAbort);
        release();
      };
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
          lastWrite = Date.now();
        } catch {
          finish(); // the reader is gone
        }
      };
      const end = (comment: string) => {
        write(`${queue.join('')}: ${comment}\n\n`);
        queue = [];
        finish();
        try {
          controller.close();
        } catch {
          // already closed or errored by the reader
        }
      };
      const pump = () => {
        if (released) return;
        const now = Date.now();
        if (closing) return end('closed; reconnect with Last-Event-ID');
        if (now - started >= options.maxMs) return end('time limit reached; reconnect with Last-Event-ID');
        if (queued > MAX_QUEUED_CHARS) return end('client too slow; reconnect with Last-Event-ID');
        options.onPump?.();
        if (queue.length === 0 && now - lastWrite >= options.keepAliveMs) queue.push(': keep-alive\n\n');
        if (queue.length === 0) return;
        const text = queue.join('');
        queue = [];
        queued = 0;
        write(text);
      };
      const timer = setInterval(pump, options.pumpMs);
      if (options.signal?.aborted) return finish();
      options.signal?.addEventListener('abort', onAbort);
      release = open({
        send(frame) {
          if (released) return;
          queue.push(frame);
          queued += frame.length;
        },
        close() {
          closing = true;
        },
      });
      pump();
    },
    cancel() {
      finish();
    },
  });
}
