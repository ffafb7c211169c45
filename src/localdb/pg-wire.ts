// Minimal PostgreSQL wire-protocol helpers: just what the PGlite front door
// needs (startup, authentication, errors, framing). Everything after startup
// is passed to PGlite untouched.

export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

const cstr = (s: string): Buffer => Buffer.from(s + '\0', 'utf8');

export const authenticationCleartextPassword = (): Buffer => message('R', int32(3));
export const authenticationOk = (): Buffer => message('R', int32(0));
export const parameterStatus = (name: string, value: string): Buffer =>
  message('S', Buffer.concat([cstr(name), cstr(value)]));
export const backendKeyData = (pid: number, key: number): Buffer =>
  message('K', Buffer.concat([int32(pid), int32(key)]));
export const readyForQuery = (status: 'I' | 'T' | 'E'): Buffer => message('Z', Buffer.from(status, 'latin1'));

export interface ErrorFields {
  severity: 'ERROR' | 'FATAL';
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

/** ErrorResponse; routine 'localdb' marks errors raised by this server, not by Postgres. */
export function errorResponse(e: ErrorFields): Buffer {
  const parts = [
    ['S', e.severity],
    ['V', e.severity],
    ['C', e.code],
    ['M', e.message],
    ['D', e.detail],
    ['H', e.hint],
    ['R', 'localdb'],
  ].filter((p): p is [string, string] => p[1] !== undefined);
  return message('E', Buffer.concat([...parts.map(([k, v]) => cstr(k + v)), Buffer.from([0])]));
}

/** Startup packet: int32 length, int32 code, then key\0value\0 pairs. */
export function parseStartupParams(body: Buffer): Record<string, string> {
  const params: Record<string, string> = {};
  const parts = body.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (!parts[i]) break;
    params[parts[i]!] = parts[i + 1]!;
  }
  return params;
}

/** Takes one untyped (startup-phase) packet off the front of buf, if complete. */
export function takeStartupPacket(buf: Buffer): [packet: Buffer, rest: Buffer] | null {
  if (buf.length < 8) return null;
  const len = buf.readInt32BE(0);
  if (buf.length < len) return null;
  return [buf.subarray(0, len), buf.subarray(len)];
}

/** Splits buf into complete typed messages and the incomplete remainder. */
export function takeMessages(buf: Buffer): [messages: Buffer[], rest: Buffer] {
  const out: Buffer[] = [];
  let at = 0;
  while (buf.length - at >= 5) {
    const len = buf.readInt32BE(at + 1) + 1;
    if (buf.length - at < len) break;
    out.push(buf.subarray(at, at + len));
    at += len;
  }
  return [out, buf.subarray(at)];
}

/** Transaction status if the backend output ends with ReadyForQuery, else null. */
export function finalReadyStatus(out: Uint8Array): string | null {
  // Walk the message boundaries: a data row could contain bytes that merely look like 'Z'.
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 0;
  let last = -1;
  while (out.length - at >= 5) {
    last = at;
    at += view.getInt32(at + 1) + 1;
  }
  if (last < 0 || at !== out.length || out[last] !== 0x5a) return null;
  return String.fromCharCode(out[last + 5]!);
}
