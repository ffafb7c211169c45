import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import type { App } from '../api/app';
import { APP_METHODS } from '../api/lib/methods';
import { PEER_ADDRESS } from '../api/lib/platform';
import { clickSockets, CLICKS_WS_PATH, type ClickSockets } from './click-socket';
import { Work } from './work';

export interface NextHandlers {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** WebSocket upgrades Next serves (next dev's hot reload). */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> | void;
}

export interface NodeServerOptions {
  app: App;
  /** The app's bindings, as Workers would pass them. */
  env: Record<string, unknown>;
  /** Absent in tests of the API alone: then Hono answers every path. */
  next?: NextHandlers;
  nextOwns?: (path: string) => boolean;
  startedAt?: number;
  /** Webhook deliveries' fetch (webhook-fetch.ts). */
  webhookFetch?: typeof fetch;
}

export interface NodeServer {
  server: Server;
  work: Work;
  /** The live click feed's WebSockets. */
  sockets: ClickSockets;
  /** Requests received and not yet answered. */
  inFlight(): number;
}

const pathOf = (url = '/') => {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
};

/**
 * One Node HTTP server: Hono first, Next for its pages and assets. A method
 * Next cannot route never reaches it: the app answers those (501).
 */
export function createNodeServer(options: NodeServerOptions): NodeServer {
  const { app, env, next } = options;
  const owns = options.nextOwns ?? (() => false);
  const work = new Work({ startedAt: options.startedAt ?? Date.now(), webhookFetch: options.webhookFetch });
  // The socket's peer is the client address for rate limits (lib/platform.ts), as a platform would say it.
  const hono = getRequestListener((request, { incoming }) => {
    const peer = incoming.socket.remoteAddress;
    if (peer) Object.defineProperty(request, PEER_ADDRESS, { value: peer });
    return app.fetch(request, env, work.context);
  });
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
    if (next && APP_METHODS.has(req.method!) && owns(pathOf(req.url))) void next.handle(req, res);
    else void hono(req, res);
  });
  const sockets = clickSockets(async (request) => app.fetch(request, env, work.context));
  server.on('upgrade', (req, socket, head) => {
    const path = pathOf(req.url);
    if (path === CLICKS_WS_PATH) sockets.upgrade(req, socket, head);
    else if (next?.upgrade && owns(path)) void next.upgrade(req, socket, head);
    else socket.destroy();
  });
  return { server, work, sockets, inFlight: () => inFlight };
}
