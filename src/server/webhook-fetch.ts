import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { classifyHost } from '../api/lib/addresses';

// The Node server can resolve names, which the edge cannot: webhook
// deliveries from this process go through this fetch, which refuses a host
// whose name resolves to a loopback, private, link-local or reserved address.
// The check runs inside the connection's own lookup, so the address checked
// is the address connected to (no window for DNS rebinding).

type Resolve = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;

const systemResolve: Resolve = (hostname, callback) =>
  dnsLookup(hostname, { all: true }, (error, addresses) => callback(error, addresses ?? []));

const NULL_BODY = new Set([101, 204, 205, 304]);

export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

export function guardedLookup(allowInsecure: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find(({ address, family }) => {
        const kind = classifyHost(family === 6 ? `[${address}]` : address);
        return kind !== 'public' && !(allowInsecure && kind === 'loopback');
      });
      if (refused || addresses.length === 0) {
        const why = refused ? `resolves to a non-public address (${refused.address})` : 'does not resolve';
        return callback(new RefusedAddressError(`${hostname} ${why}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** A `fetch` (POST with a string body is all deliveries need) over node:http(s) with the guarded lookup. */
export function guardedFetch(allowInsecure: boolean, resolve?: Resolve): typeof fetch {
  const lookup = guardedLookup(allowInsecure, resolve);
  return (input, init = {}) =>
    new Promise<Response>((resolvePromise, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        url,
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(new Headers(init.headers).entries()),
          lookup,
          signal: init.signal ?? undefined,
        },
        (res: IncomingMessage) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of [value ?? []].flat()) headers.append(name, v);
          }
          const status = res.statusCode ?? 502;
          const body = NULL_BODY.has(status) ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
          if (!body) res.resume();
          resolvePromise(new Response(body, { status: status < 200 ? 502 : status, headers }));
        },
      );
      request.on('error', reject);
      request.end(typeof init.body === 'string' ? init.body : undefined);
    });
}
