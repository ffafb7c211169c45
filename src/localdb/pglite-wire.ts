// Serves PGlite over the PostgreSQL wire protocol on a loopback TCP port, so
// that the HTTP path (through `pg`), the WebSocket relay and even psql all
// reach it exactly as they would reach a real server. We handle startup and
// password authentication ourselves; every later message goes to PGlite's
// execProtocolRaw unchanged. PGlite has one backend session, so a session
// holds the FIFO lock from its first message until PGlite reports
// ReadyForQuery 'I' (idle, outside a transaction).
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { FifoLock, LockTimeoutError } from './fifo-lock';
import * as wire from './pg-wire';

export interface WireOptions {
  user: string;
  password: string;
  database: string;
  /** Longest wait for the single connection before failing with 53300. */
  queueTimeoutMs: number;
  /** ParameterStatus values reported at startup (server_version, TimeZone…). */
  parameters: Record<string, string>;
}

export class PgliteWireServer {
  readonly lock = new FifoLock();
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #nextPid = 1;

  constructor(
    readonly db: PGlite,
    readonly options: WireOptions,
  ) {
    this.#server = net.createServer((socket) => {
      socket.setNoDelay(true);
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      new WireSession(this, socket, this.#nextPid++);
    });
  }

  listen(port: number, host = '127.0.0.1'): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        const addr = this.#server.address() as net.AddressInfo;
        resolve({ host, port: addr.port });
      });
    });
  }

  /** Drops every client (their open transactions are rolled back) and stops listening. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }
}

const SYNC_THEN_ROLLBACK = Buffer.from('S\0\0\0\x04Q\0\0\0\rROLLBACK\0', 'latin1');

type Phase = 'startup' | 'password' | 'ready' | 'closed';

class WireSession {
  #phase: Phase = 'startup';
  #buf: Buffer = Buffer.alloc(0);
  #busy = false;
  #work: Promise<void> = Promise.resolve();
  #release: (() => void) | null = null;
  #user = '';

  constructor(
    readonly server: PgliteWireServer,
    readonly socket: net.Socket,
    readonly pid: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
      if (!this.#busy) this.#work = this.#pump();
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => void this.#closed());
  }

  async #pump(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#phase !== 'closed' && (await this.#step()));
    } catch (err) {
      this.#fatal('XX000', `localdb: PGlite failed: ${(err as Error).message}`);
    } finally {
      this.#busy = false;
    }
  }

  /** Handles what the buffer holds; false when it needs more bytes. */
  async #step(): Promise<boolean> {
    if (this.#phase === 'startup') {
      const taken = wire.takeStartupPacket(this.#buf);
      if (!taken) return false;
      this.#buf = taken[1];
      this.#startup(taken[0]);
      return true;
    }
    const [messages, rest] = wire.takeMessages(this.#buf);
    if (messages.length === 0) return false;
    this.#buf = rest;
    if (this.#phase === 'password') {
      this.#password(messages.shift()!);
      this.#buf = Buffer.concat([...messages, this.#buf]);
      return true;
    }
    const end = messages.findIndex((m) => m[0] === 0x58); // 'X' Terminate
    const batch = end < 0 ? messages : messages.slice(0, end);
    if (batch.length > 0) await this.#execute(Buffer.concat(batch));
    if (end >= 0) this.#end();
    return end < 0;
  }

  #startup(packet: Buffer): void {
    const code = packet.readInt32BE(4);
    if (code === wire.SSL_REQUEST || code === wire.GSSENC_REQUEST) {
      this.socket.write('N'); // no encryption on loopback; client continues in clear
      return;
    }
    if (code === wire.CANCEL_REQUEST) return this.#end(); // nothing to cancel: PGlite runs synchronously
    if (code !== wire.PROTOCOL_3)
      return this.#fatal('0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`);
    const params = wire.parseStartupParams(packet);
    this.#user = params.user ?? '';
    const database = params.database ?? this.#user;
    if (database !== this.server.options.database) {
      return this.#fatal('3D000', `database "${database}" does not exist`);
    }
    this.#phase = 'password';
    this.socket.write(wire.authenticationCleartextPassword());
  }

  #password(msg: Buffer): void {
    const given = msg.subarray(5, msg.length - 1).toString('utf8');
    const { user, password, parameters } = this.server.options;
    if (msg[0] !== 0x70 || this.#user !== user || given !== password) {
      // Postgres says the same for an unknown user, so as not to reveal which roles exist.
      return this.#fatal('28P01', `password authentication failed for user "${this.#user}"`);
    }
    this.#phase = 'ready';
    const out = [wire.authenticationOk()];
    for (const [k, v] of Object.entries({ ...parameters, session_authorization: user })) {
      out.push(wire.parameterStatus(k, v));
    }
    out.push(wire.backendKeyData(this.pid, (Math.random() * 2 ** 31) | 0), wire.readyForQuery('I'));
    this.socket.write(Buffer.concat(out));
  }

  async #execute(batch: Buffer): Promise<void> {
    if (!this.#release) {
      try {
        this.#release = await this.server.lock.acquire(this.server.options.queueTimeoutMs);
      } catch (err) {
        if (!(err instanceof LockTimeoutError)) throw err;
        return this.#fatal(
          '53300',
          `localdb: ${err.message}`,
          'PGlite serves one transaction at a time. Commit sooner, or use the PostgreSQL backend.',
        );
      }
      if (this.#phase === 'closed') return this.#unlock();
    }
    const out = await this.server.db.execProtocolRaw(batch);
    if (this.#phase !== 'closed') this.socket.write(out);
    if (wire.finalReadyStatus(out) === 'I') this.#unlock();
  }

  #unlock(): void {
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  #fatal(code: string, message: string, hint?: string): void {
    if (this.#phase === 'closed') return;
    this.socket.end(wire.errorResponse({ severity: 'FATAL', code, message, hint }));
    this.#phase = 'closed';
  }

  #end(): void {
    this.#phase = 'closed';
    this.socket.end();
  }

  /** A client that vanishes mid-transaction must not leave PGlite inside it. */
  async #closed(): Promise<void> {
    this.#phase = 'closed';
    await this.#work;
    if (!this.#release) return;
    try {
      // Sync first ends any half-sent extended-protocol exchange.
      await this.server.db.execProtocolRaw(SYNC_THEN_ROLLBACK);
    } finally {
      this.#unlock();
    }
  }
}
