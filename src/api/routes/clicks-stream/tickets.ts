import type { Config } from '../../lib/config';
import type { Scope } from './click-hub';

/** What a ticket carries: the key it was issued to, its scope, its use and when it expires (Unix seconds). */
export interface Ticket {
  keyId: string;
  scope: string;
  use: string;
  exp: number;
}

export const TICKET_TTL_SECONDS = 60;
/** The one use stream tickets have; the WebSocket feed may accept it too (same events, same scope). */
export const STREAM_TICKET_USE = 'clicks-stream';

const encoder = new TextEncoder();
const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const fromBase64Url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));

/** A scope as one canonical string: the same filters in any order are the same scope. */
export const scopeKey = (scope: Scope) =>
  JSON.stringify([[...new Set(scope.linkIds)].sort(), [...new Set(scope.tags)].sort(), scope.bots]);

const keys = new WeakMap<Config, Promise<CryptoKey>>();

/**
 * The HMAC key, once per configuration: STREAM_TICKET_SECRET, else derived
 * (HKDF) from DATABASE_URL, a secret every instance of a deployment shares.
 * Changing either invalidates outstanding tickets, which live 60 s.
 */
function signingKey(config: Config): Promise<CryptoKey> {
  let key = keys.get(config);
  if (!key) {
    const secret = config.STREAM_TICKET_SECRET ?? config.DATABASE_URL;
    key = crypto.subtle
      .importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('hop'), info: encoder.encode('stream tickets v1') },
          base,
          { name: 'HMAC', hash: 'SHA-256', length: 256 },
          false,
          ['sign', 'verify'],
        ),
      );
    keys.set(config, key);
  }
  return key;
}

/** `<payload>.<signature>`, both base64url. */
export async function signTicket(config: Config, ticket: Ticket): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(ticket)));
  const signature = await crypto.subtle.sign('HMAC', await signingKey(config), encoder.encode(payload));
  return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

/** The ticket, or why it is refused. */
export async function verifyTicket(
  config: Config,
  token: string,
  use: string,
): Promise<{ ticket: Ticket } | { error: string }> {
  const match = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { error: 'The ticket is malformed.' };
  let ticket: Ticket;
  try {
    const valid = await crypto.subtle.verify(
      'HMAC',
      await signingKey(config),
      fromBase64Url(match[2]!),
      encoder.encode(match[1]!),
    );
    if (!valid) return { error: 'The ticket is not one this service issued.' };
    ticket = JSON.parse(new TextDecoder().decode(fromBase64Url(match[1]!))) as Ticket;
  } catch {
    return { error: 'The ticket is malformed.' };
  }
  if (ticket.use !== use) return { error: `The ticket is for ${ticket.use}, not this operation.` };
  if (ticket.exp <= Date.now() / 1000) return { error: 'The ticket has expired: ask for a new one.' };
  return { ticket };
}
