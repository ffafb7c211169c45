export type SseItem = { id: string; event: string; data: string } | { comment: string };

/**
 * Reads a text/event-stream body into events and comments. Enough for the
 * app's own feed (one `data:` line per event, `retry:` ignored); a general
 * client would want a full parser such as `eventsource-parser`.
 */
export async function* readSseEvents(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<SseItem> {
  const decoder = new TextDecoder();
  let buffer = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = { id: '', event: 'message', data: [] as string[] };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          yield { comment: line.slice(1).trim() };
          continue;
        }
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'id') fields.id = value;
        else if (name === 'event') fields.event = value;
        else if (name === 'data') fields.data.push(value);
      }
      if (fields.data.length) yield { id: fields.id, event: fields.event, data: fields.data.join('\n') };
    }
  }
}
