import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import type { ClickHub } from './click-hub';
import type { createTicketRoute, streamClicksRoute } from './clicks-stream.routes';
import { decodeCursor } from './cursor';
import { hubOptions } from './hub-options';
import { sseEvent, sseStream } from './sse';
import { scopeOf } from './stream-auth';
import { scopeKey, signTicket, STREAM_TICKET_USE, TICKET_TTL_SECONDS } from './tickets';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

declare module 'hono' {
  interface ContextVariableMap {
    clickHub: ClickHub;
  }
}

const RETRY_MS = 3_000;

export const streamClicks: Handler<typeof streamClicksRoute> = async (c) => {
  const query = c.req.valid('query');
  const resumeFrom = c.req.valid('header')['last-event-id'] ?? query.since;
  const { STREAM_POLL_MS, STREAM_KEEPALIVE_MS, STREAM_MAX_SECONDS } = c.var.config;
  const hub = c.var.clickHub.configure(hubOptions(c.var.config));
  // The first stream of an isolate learns here, as a 503, that the database is away.
  await hub.ready();
  const since = resumeFrom ? decodeCursor(resumeFrom) : null;
  const scope = scopeOf(query);
  const body = sseStream(
    (sink) =>
      hub.subscribe({
        scope,
        since,
        onReady: (cursor) => sink.send(sseEvent('ready', cursor, { cursor })),
        onEvent: ({ cursor, click }) => sink.send(sseEvent('click', cursor, click)),
        onReset: (cursor) => sink.send(sseEvent('reset', cursor, { cursor })),
        onError: () => sink.close(),
      }),
    {
      keepAliveMs: STREAM_KEEPALIVE_MS,
      maxMs: STREAM_MAX_SECONDS * 1000,
      pumpMs: Math.min(200, STREAM_POLL_MS),
      retryMs: RETRY_MS,
      signal: c.req.raw.signal,
      onPump: () => hub.poke(),
    },
  );
  return c.body(body, 200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
  }) as never;
};

export const createTicket: Handler<typeof createTicketRoute> = async (c) => {
  const input = c.req.valid('json') ?? {};
  const scope = scopeOf(input);
  const exp = Math.floor(Date.now() / 1000) + TICKET_TTL_SECONDS;
  const ticket = await signTicket(c.var.config, {
    keyId: c.var.principal.keyId,
    scope: scopeKey(scope),
    use: STREAM_TICKET_USE,
    exp,
  });
  const params = new URLSearchParams();
  for (const id of scope.linkIds) params.append('linkId', id);
  for (const tag of scope.tags) params.append('tag', tag);
  if (input.bots) params.set('bots', input.bots);
  params.set('ticket', ticket);
  return c.json(
    { ticket, expiresAt: new Date(exp * 1000).toISOString(), streamUrl: `/api/v1/clicks/stream?${params}` },
    200,
  );
};
