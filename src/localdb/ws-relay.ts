// WebSocket-to-TCP relay on /v2, as Neon's proxy offers it to the driver's
// Pool and Client: ws(s)://host/v2?address=host:port. Only allow-listed
// addresses are reachable, so the server cannot be used to reach arbitrary hosts.
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CANCEL_REQUEST, GSSENC_REQUEST, SSL_REQUEST } from './pg-wire';

export interface Target {
  host: string;
  port: number;
}

interface Relayed {
  ws: WebSocket;
  tcp: net.Socket;
  /** Sends what was held back from the database once it is connected and not frozen. */
  flush(): void;
}

export class WsRelay {
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #open = new Set<Relayed>();
  #frozen = false;

  /** resolve maps the requested address to a TCP target, or null if not allowed. */
  constructor(readonly resolve: (address: string) => Target | null) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v2') return refuse(socket, 404, 'Not Found');
    const address = url.searchParams.get('address');
    const target = address ? this.resolve(address) : null;
    if (!target) return refuse(socket, 403, 'Forbidden');
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#relay(ws, target));
  }

  #relay(ws: WebSocket, target: Target): void {
    const tcp = net.connect(target.port, target.host);
    tcp.setNoDelay(true);
    if (this.#frozen) tcp.pause();
    const framer = new FrontendFramer();
    const held: Buffer[] = []; // client bytes not yet passed on: before TCP connects, or while frozen
    let connected = false;
    let terminated = false;
    const flush = (): void => {
      if (!connected || this.#frozen) return;
      for (const b of held.splice(0)) tcp.write(b);
      // The driver never closes its WebSocket itself: after Terminate, end the TCP side.
      if (terminated) tcp.end();
    };
    const entry: Relayed = { ws, tcp, flush };
    this.#open.add(entry);

    tcp.once('connect', () => {
      connected = true;
      flush();
    });
    ws.on('message', (data: Buffer) => {
      if (terminated) return;
      terminated = framer.feed(data);
      held.push(data);
      flush();
    });
    tcp.on('data', (chunk) => ws.send(chunk, { binary: true }));
    tcp.once('error', () => ws.close(1011, 'database connection failed'));
    tcp.once('close', () => {
      this.#open.delete(entry);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    });
    ws.once('close', () => tcp.end());
    ws.once('error', () => tcp.destroy());
  }

  /**
   * Like a stopped database: connections stay open, nothing is answered.
   * Client bytes wait here and the database's answers wait in its socket.
   */
  freeze(): void {
    this.#frozen = true;
    for (const { tcp } of this.#open) tcp.pause();
  }

  thaw(): void {
    this.#frozen = false;
    for (const { tcp, flush } of this.#open) {
      flush();
      tcp.resume();
    }
  }

  /** Cuts every relayed connection, as a crashed database would. */
  dropAll(): void {
    for (const { ws, tcp } of this.#open) {
      ws.terminate();
      tcp.destroy();
    }
    this.#open.clear();
  }

  close(): void {
    this.dropAll();
    this.#wss.close();
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Follows message boundaries in the client-to-server stream without copying
 * it, to spot the Terminate message ('X') reliably (a byte pattern search
 * could match inside a query parameter).
 */
class FrontendFramer {
  #untyped = true; // SSLRequest/startup packets have no type byte
  #header = Buffer.alloc(0);
  #skip = 0;

  /** Returns true once a complete Terminate message has been seen. */
  feed(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        continue;
      }
      const need = this.#untyped ? 8 : 5;
      const take = Math.min(need - this.#header.length, chunk.length - i);
      this.#header = Buffer.concat([this.#header, chunk.subarray(i, i + take)]);
      i += take;
      if (this.#header.length < need) break;
      const h = this.#header;
      this.#header = Buffer.alloc(0);
      if (this.#untyped) {
        const code = h.readInt32BE(4);
        this.#skip = h.readInt32BE(0) - 8;
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.#untyped = false;
        if (code === CANCEL_REQUEST) return true;
      } else {
        this.#skip = h.readInt32BE(1) - 4;
        if (h[0] === 0x58 && this.#skip === 0) return true;
      }
    }
    return false;
  }
}
