import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { notImplemented } from './methods';

// TRACE never reaches any code of ours through Next: before the proxy or a
// route handler runs, Next turns the request into a WHATWG Request, whose
// constructor refuses the methods the Fetch standard forbids (CONNECT, TRACE,
// TRACK) with a TypeError, and Next answers that with a 500. Node's HTTP
// server is the only layer that sees it, so TRACE is answered there, with the
// same 501 problem as the proxy's. (CONNECT goes to the server's 'connect'
// event and TRACK is refused by Node's parser: neither is a 'request'.)
//
// Next has no hook here: this wraps http.Server#emit for the server process
// `next start` / `next dev` run (installed from instrumentation.ts). It does
// nothing on platforms that bring their own HTTP front (Vercel, Workers).
const GUARD = Symbol.for('hop.traceGuard');
const proto = Server.prototype as Server & { [GUARD]?: true };

if (!proto[GUARD]) {
  proto[GUARD] = true;
  const emit = proto.emit;
  proto.emit = function emitGuarded(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request' && (args[0] as IncomingMessage).method === 'TRACE') {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const path = (req.url ?? '/').split('?', 1)[0]!;
      const id = req.headers['x-request-id'];
      const { status, body, headers } = notImplemented('TRACE', path, typeof id === 'string' ? id : undefined);
      res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) }).end(body);
      return true;
    }
    return emit.apply(this, [event, ...args] as Parameters<Server['emit']>);
  } as Server['emit'];
}
