import { randomUUID } from 'node:crypto';
import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { APP_METHODS, notImplemented, ORIGINAL_URL_HEADER, PEER_HEADER, PEER_TOKEN_ENV } from './methods';

// What Next's own HTTP server (`next start`, `next dev`) must do before Next
// sees a request, because no Next hook can:
//
//  1. Methods. Next turns every request into a WHATWG Request before any code
//     of ours (proxy or route) runs. TRACE (like CONNECT, TRACK) is a method
//     the Fetch standard forbids: the constructor throws and Next answers a
//     500. Any other method outside its seven (PROPFIND, MKCOL, QUERY, …) gets
//     an empty 400 from the route module. Both get our 501 problem here.
//  2. The URL. Next rebuilds the query it hands a dynamic route (its params
//     mixed in, repeated keys regrouped); the URL as sent travels on in a
//     header that the route adapter (src/api/next-adapter.ts) reads and removes.
//  3. The client's address. Next passes a client's own X-Forwarded-For
//     through unchanged, and the route never sees the socket: the peer
//     address travels in a header, with a per-process token the route
//     checks, for rate limits by address.
//
// proxy.ts could do the second and half the first, but runs on every request:
// ~1 ms of server CPU per redirect, a third of the throughput. Here it costs a
// Set lookup and a header. This wraps http.Server#emit, as OpenTelemetry's
// HTTP instrumentation does, from instrumentation.ts. Platforms that bring
// their own HTTP front (Vercel, Workers) never run it.
const GUARD = Symbol.for('hop.nextNodeGuard');
const proto = Server.prototype as Server & { [GUARD]?: true };

function answerNotImplemented(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  const id = req.headers['x-request-id'];
  const { status, body, headers } = notImplemented(req.method!, path, typeof id === 'string' ? id : undefined);
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

if (!proto[GUARD]) {
  proto[GUARD] = true;
  // Before any request, so Next's edge sandbox (made on the first one) copies it.
  const token = (process.env[PEER_TOKEN_ENV] ??= randomUUID());
  const emit = proto.emit;
  proto.emit = function emitGuarded(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const req = args[0] as IncomingMessage;
      if (!APP_METHODS.has(req.method!)) {
        answerNotImplemented(req, args[1] as ServerResponse);
        return true;
      }
      // Always set: a client's own header of this name never gets through.
      if (req.url?.startsWith('/')) req.headers[ORIGINAL_URL_HEADER] = req.url;
      else delete req.headers[ORIGINAL_URL_HEADER];
      const peer = req.socket.remoteAddress;
      if (peer) req.headers[PEER_HEADER] = `${token} ${peer}`;
      else delete req.headers[PEER_HEADER];
    }
    return emit.apply(this, [event, ...args] as Parameters<Server['emit']>);
  } as Server['emit'];
}
