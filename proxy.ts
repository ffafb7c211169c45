import { NextResponse, type NextRequest } from 'next/server';
import { APP_METHODS, notImplemented, ORIGINAL_URL_HEADER } from './app/_glue/methods';

// Runs before routing, for every path but Next's own assets. Two jobs Next
// leaves no other hook for:
//  1. A method no route handler can receive (PROPFIND, MKCOL, QUERY, …: the
//     route module answers them an empty 400 before any route code) is
//     answered 501 problem+json here.
//  2. The app must see the URL the client sent; Next rebuilds the query it
//     hands a dynamic route. With skipProxyUrlNormalize (next.config.ts) this
//     request's URL is the original, so it travels on in a header the route
//     adapter (src/api/next-adapter.ts) reads and removes.
export function proxy(request: NextRequest): Response {
  if (!APP_METHODS.has(request.method)) {
    const { pathname } = new URL(request.url);
    const { status, body, headers } = notImplemented(request.method, pathname, request.headers.get('x-request-id'));
    return new Response(body, { status, headers });
  }
  const url = request.url;
  const headers = new Headers(request.headers);
  headers.set(ORIGINAL_URL_HEADER, url.slice(url.indexOf('/', url.indexOf('//') + 2)));
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: '/((?!_next/).*)' };
