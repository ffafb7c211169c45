// A small RESP2 client for the Upstash REST front (upstash-rest.ts): one TCP
// connection, commands pipelined in the order they are written, replies
// handed back in that order. It keeps the reply types apart that the REST
// protocol encodes differently: simple strings (strings), bulk strings
// (Buffers), integers, nil, errors (RedisError, also inside arrays) and arrays.
import net from 'node:net';

export class RedisError {
  constructor(readonly message: string) {}
}

export type Reply = null | number | string | Buffer | RedisError | Reply[];
export type Arg = string | Buffer;

const CRLF = Buffer.from('\r\n');

/** `*N $len arg …` for each command, as one buffer: written at once, never interleaved with another batch. */
export function encodeCommands(commands: Arg[][]): Buffer {
  const parts: Buffer[] = [];
  for (const command of commands) {
    parts.push(Buffer.from(`*${command.length}\r\n`));
    for (const arg of command) {
      const bytes = typeof arg === 'string' ? Buffer.from(arg) : arg;
      parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
    }
  }
  return Buffer.concat(parts);
}

type Parsed = [reply: Reply, next: number] | null;

/** One reply starting at `at`, or null when the buffer does not hold all of it yet. */
export function parseReply(buf: Buffer, at: number): Parsed {
  if (at >= buf.length) return null;
  const end = buf.indexOf(CRLF, at);
  if (end < 0) return null;
  const line = buf.toString('utf8', at + 1, end);
  const next = end + 2;
  switch (buf[at]) {
    case 0x2b: // +
      return [line, next];
    case 0x2d: // -
      return [new RedisError(line), next];
    case 0x3a: // :
      return [Number(line), next];
    case 0x24: {
      // $
      const length = Number(line);
      if (length < 0) return [null, next];
      if (buf.length < next + length + 2) return null;
      return [buf.subarray(next, next + length), next + length + 2];
    }
    case 0x2a: {
      // *
      const count = Number(line);
      if (count < 0) return [null, next];
      const items: Reply[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, pos);
        if (!item) return null;
        items.push(item[0]);
        pos = item[1];
      }
      return [items, pos];
    }
    default:
      throw new Error(`unexpected RESP type byte 0x${buf[at]!.toString(16)}`);
  }
}

interface Waiting {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** A lazily (re)connecting client for redis://host:port[/db] URLs (password in the URL's userinfo). */
export class RespClient {
  readonly #url: URL;
  #socket: net.Socket | null = null;
  #ready: Promise<net.Socket> | null = null;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: Waiting[] = [];
  #closed = false;

  constructor(url: string) {
    this.#url = new URL(url);
    if (this.#url.protocol !== 'redis:') throw new TypeError(`REDIS_URL must be a redis:// URL (got ${url})`);
  }

  /** Sends the commands in one write and resolves with their replies, in order. */
  async send(commands: Arg[][]): Promise<Reply[]> {
    const socket = await this.#connect();
    const replies = commands.map(
      () => new Promise<Reply>((resolve, reject) => this.#waiting.push({ resolve, reject })),
    );
    socket.write(encodeCommands(commands));
    return Promise.all(replies);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = null;
    this.#ready = null;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end(encodeCommands([['QUIT']]));
        setTimeout(() => socket.destroy(), 500).unref();
      });
    }
  }

  #connect(): Promise<net.Socket> {
    if (this.#closed) return Promise.reject(new Error('redis client closed'));
    if (this.#ready) return this.#ready;
    const ready = new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({
        host: this.#url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(this.#url.port || 6379),
        noDelay: true,
      });
      const timer = setTimeout(() => socket.destroy(new Error('connecting to Redis timed out')), 2_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.#socket = socket;
        resolve(socket);
      });
      socket.on('data', (chunk: Buffer) => this.#receive(chunk));
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
        this.#fail(error);
      });
      socket.on('close', () => this.#fail(new Error('the Redis connection closed')));
    });
    this.#ready = ready;
    // Login and database selection go first on the new connection, so no command runs before them.
    const setup: Arg[][] = [];
    const password = decodeURIComponent(this.#url.password);
    if (password) {
      const user = decodeURIComponent(this.#url.username);
      setup.push(user ? ['AUTH', user, password] : ['AUTH', password]);
    }
    const db = this.#url.pathname.slice(1);
    if (db && db !== '0') setup.push(['SELECT', db]);
    if (!setup.length) return ready;
    const configured = ready.then(async (socket) => {
      const replies = await new Promise<Reply[]>((resolve, reject) => {
        const pending = setup.map(
          () => new Promise<Reply>((res, rej) => this.#waiting.push({ resolve: res, reject: rej })),
        );
        socket.write(encodeCommands(setup));
        Promise.all(pending).then(resolve, reject);
      });
      const failed = replies.find((reply) => reply instanceof RedisError);
      if (failed) throw new Error(`Redis refused the connection setup: ${failed.message}`);
      return socket;
    });
    this.#ready = configured;
    configured.catch(() => this.#fail(new Error('Redis connection setup failed')));
    return configured;
  }

  #receive(chunk: Buffer) {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const parsed = parseReply(this.#buffer, at);
      if (!parsed) break;
      at = parsed[1];
      this.#waiting.shift()?.resolve(parsed[0]);
    }
    this.#buffer = at >= this.#buffer.length ? Buffer.alloc(0) : this.#buffer.subarray(at);
  }

  /** The connection is gone: what waits for it fails, and the next send connects again. */
  #fail(error: Error) {
    const socket = this.#socket;
    this.#socket = null;
    this.#ready = null;
    this.#buffer = Buffer.alloc(0);
    socket?.destroy();
    for (const waiting of this.#waiting.splice(0)) waiting.reject(error);
  }
}
