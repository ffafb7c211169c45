// Upstash's Redis REST protocol, in front of a real Redis, so `@upstash/redis`
// (and `@upstash/ratelimit` on top of it) run unchanged locally and in tests.
// Facts as `@upstash/redis` 1.39 uses them:
//
//   POST /            ["CMD", arg…]            → 200 {"result": …} | 400 {"error": "…"}
//   POST /pipeline    [["CMD", arg…], …]       → 200 [{"result": …} | {"error": "…"}, …]
//   POST /multi-exec  [["CMD", arg…], …]       → the same, run as MULTI … EXEC (atomic)
//   Authorization: Bearer <token> (or ?_token=) → else 401 {"error": "Unauthorized"}
//   Upstash-Encoding: base64                   → every string in a result is base64
//                                                 (the client decodes them; "OK" is left as is)
//   upstash-sync-token                          → echoed as a counter (read-your-writes)
//
// Arguments arrive as JSON strings, numbers, booleans or null and are sent to
// Redis as text. Commands that change or hold the shared connection's state
// (SELECT, MULTI/EXEC given one by one, WATCH, blocking and pub/sub commands)
// are refused, as Upstash refuses most of them.
//
// Scripts: Upstash accepts a shebang flag Redis does not know
// (`#!lua flags=allow-key-locking`, on every @upstash/ratelimit script; Redis
// 7 answers "Unexpected flag in script shebang"). Such flags are dropped
// before the script reaches Redis, and the SHA1 of the script as sent (the
// one the client computes, and EVALSHA names) is mapped to the SHA1 Redis
// knows, so EVALSHA finds a script loaded by EVAL or SCRIPT LOAD, and a
// script Redis lost (restart, SCRIPT FLUSH) answers NOSCRIPT as it should.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { type Arg, RedisError, type Reply, RespClient } from './resp';

export const UPSTASH_PATHS = new Set(['/', '/pipeline', '/multi-exec']);

/** How the store misbehaves, for tests of the app's fail-open path. */
export type StoreFault =
  /** The connection is dropped unanswered: the client's fetch fails. */
  | { mode: 'destroy' }
  /** 503 with an error body. */
  | { mode: 'unavailable' }
  /** Each request waits delayMs, then runs. */
  | { mode: 'slow'; delayMs: number };

export function parseStoreFault(value: unknown): StoreFault {
  const { mode, delayMs } = (value ?? {}) as { mode?: unknown; delayMs?: unknown };
  if (mode === 'destroy' || mode === 'unavailable') return { mode };
  if (mode === 'slow' && typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0)
    return { mode, delayMs };
  throw new TypeError('store fault mode must be destroy, unavailable or slow (with delayMs >= 0)');
}

export interface StoreStats {
  /** HTTP requests to the REST front: one per client round trip. */
  storeRequests: number;
  /** Redis commands they carried. */
  storeCommands: number;
}

// Shared-connection state, blocking and streaming: not over one stateless request.
const REFUSED = new Set([
  'SELECT',
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'UNWATCH',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SUNSUBSCRIBE',
  'MONITOR',
  'SYNC',
  'PSYNC',
  'QUIT',
  'RESET',
  'HELLO',
  'AUTH',
  'CLIENT',
  'BLPOP',
  'BRPOP',
  'BLMOVE',
  'BRPOPLPUSH',
  'BLMPOP',
  'BZPOPMIN',
  'BZPOPMAX',
  'BZMPOP',
  'XREAD',
  'XREADGROUP',
  'WAIT',
  'WAITAOF',
]);

// Shebang flags Redis 7 knows; any other (Upstash's allow-key-locking) is dropped.
const REDIS_SCRIPT_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** The script without flags Redis would refuse, or null when it needs no change. */
export function redisScript(script: string): string | null {
  const match = /^#!(\S+)([^\n]*)/.exec(script);
  if (!match) return null;
  const flags = /\bflags=(\S*)/.exec(match[2]!);
  if (!flags) return null;
  const given = flags[1]!.split(',').filter(Boolean);
  const kept = given.filter((flag) => REDIS_SCRIPT_FLAGS.has(flag));
  if (kept.length === given.length) return null;
  const shebang = `#!${match[1]}${kept.length ? ` flags=${kept.join(',')}` : ''}`;
  return shebang + script.slice(match[0].length);
}

type Entry = { result: unknown } | { error: string };

class Refused extends Error {}

export class UpstashRest {
  readonly token: string;
  readonly #redis: RespClient;
  /** SHA1 of a script as the client sent it → SHA1 of what Redis was given. */
  readonly #scripts = new Map<string, string>();
  #fault: StoreFault | null = null;
  #stats: StoreStats = { storeRequests: 0, storeCommands: 0 };
  #sync = 0;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(redisUrl: string, token: string) {
    this.#redis = new RespClient(redisUrl);
    this.token = token;
  }

  get fault(): StoreFault | null {
    return this.#fault;
  }

  setFault(fault: StoreFault | null): void {
    this.#fault = fault;
  }

  stats(): StoreStats {
    return { ...this.#stats };
  }

  resetStats(): void {
    this.#stats = { storeRequests: 0, storeCommands: 0 };
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#redis.close();
  }

  /** Answers a request to one of UPSTASH_PATHS whose body has been read. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: string): Promise<void> {
    this.#stats.storeRequests++;
    const fault = this.#fault;
    if (fault?.mode === 'destroy') return void req.socket.destroy();
    if (fault?.mode === 'unavailable')
      return send(res, 503, { error: 'localdb: the store is unavailable (simulated)' });
    if (fault?.mode === 'slow') await this.#sleep(fault.delayMs);

    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
    if (!this.#authorized(req)) return send(res, 401, { error: 'Unauthorized' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 400, { error: 'ERR failed to parse the body as JSON' });
    }
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const headers = { 'upstash-sync-token': String(++this.#sync) };
    try {
      if (path === '/') {
        const command = toCommand(parsed);
        this.#stats.storeCommands++;
        const [entry] = await this.#run([command]);
        if ('error' in entry!) return send(res, 400, entry, headers);
        return send(res, 200, { result: encode(entry!.result, base64) }, headers);
      }
      if (!Array.isArray(parsed) || parsed.length === 0)
        return send(res, 400, { error: 'ERR the body must be a non-empty array of commands' });
      const commands = parsed.map(toCommand);
      this.#stats.storeCommands += commands.length;
      const entries = path === '/multi-exec' ? await this.#transaction(commands) : await this.#run(commands);
      if (!Array.isArray(entries)) return send(res, 400, entries, headers);
      const out = entries.map((entry) => ('error' in entry ? entry : { result: encode(entry.result, base64) }));
      return send(res, 200, out, headers);
    } catch (error) {
      if (error instanceof Refused) return send(res, 400, { error: error.message });
      return send(res, 503, { error: `localdb: cannot reach Redis: ${(error as Error).message}` });
    }
  }

  #authorized(req: http.IncomingMessage): boolean {
    const header = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('_token');
    return (header ?? query) === this.token;
  }

  /** Runs commands as one pipelined write; each gets its own result or error. */
  async #run(commands: Arg[][]): Promise<Entry[]> {
    const sent = commands.map((command) => this.#translate(command));
    const replies = await this.#redis.send(sent.map((s) => s.command));
    return replies.map((reply, i) => this.#entry(reply, sent[i]!.onReply));
  }

  /** MULTI, the commands, EXEC, in one write: nothing else on the connection runs in between. */
  async #transaction(commands: Arg[][]): Promise<Entry[] | { error: string }> {
    const sent = commands.map((command) => this.#translate(command));
    const replies = await this.#redis.send([['MULTI'], ...sent.map((s) => s.command), ['EXEC']]);
    const queued = replies.slice(1, -1).find((reply) => reply instanceof RedisError) as RedisError | undefined;
    const exec = replies.at(-1);
    if (queued) return { error: queued.message };
    if (exec instanceof RedisError) return { error: exec.message };
    if (!Array.isArray(exec)) return { error: 'EXECABORT Transaction discarded' };
    return exec.map((reply, i) => this.#entry(reply, sent[i]!.onReply));
  }

  #entry(reply: Reply, onReply?: (reply: Reply) => Reply): Entry {
    if (reply instanceof RedisError) return { error: reply.message };
    return { result: onReply ? onReply(reply) : reply };
  }

  /** Scripts with flags Redis refuses are rewritten, and their SHA1s mapped. */
  #translate(command: Arg[]): { command: Arg[]; onReply?: (reply: Reply) => Reply } {
    const name = String(command[0]).toUpperCase();
    if (REFUSED.has(name)) throw new Refused(`ERR Command is not available: '${name}'`);
    if ((name === 'EVAL' || name === 'EVAL_RO') && command.length >= 2) {
      const script = String(command[1]);
      const rewritten = redisScript(script);
      if (rewritten === null) return { command };
      this.#scripts.set(sha1(script), sha1(rewritten));
      return { command: [command[0]!, rewritten, ...command.slice(2)] };
    }
    if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && command.length >= 2) {
      const mapped = this.#scripts.get(String(command[1]).toLowerCase());
      return mapped ? { command: [command[0]!, mapped, ...command.slice(2)] } : { command };
    }
    if (name === 'SCRIPT' && command.length >= 3) {
      const sub = String(command[1]).toUpperCase();
      if (sub === 'LOAD') {
        const script = String(command[2]);
        const rewritten = redisScript(script);
        if (rewritten === null) return { command };
        this.#scripts.set(sha1(script), sha1(rewritten));
        // Redis answers the SHA1 of what it loaded; the client expects the one of what it sent.
        return { command: [command[0]!, command[1]!, rewritten], onReply: () => sha1(script) };
      }
      if (sub === 'EXISTS') {
        const shas = command.slice(2).map((sha) => this.#scripts.get(String(sha).toLowerCase()) ?? sha);
        return { command: [command[0]!, command[1]!, ...shas] };
      }
    }
    return { command };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }
}

function toCommand(value: unknown): Arg[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new Refused('ERR a command is a non-empty JSON array: ["CMD", "arg", …]');
  return value.map((arg) =>
    typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null ? JSON.stringify(arg) : String(arg),
  );
}

/** A reply as the REST protocol writes it: bulk strings as text, or base64 when asked. */
function encode(reply: unknown, base64: boolean): unknown {
  if (reply === null || typeof reply === 'number') return reply;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString('base64') : reply.toString('utf8');
  if (typeof reply === 'string') return base64 && reply !== 'OK' ? Buffer.from(reply).toString('base64') : reply;
  if (reply instanceof RedisError) return reply.message;
  if (Array.isArray(reply)) return reply.map((item) => encode(item, base64));
  return reply;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}
