import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { db, type Row } from '../../db';
import { cursorColumn, keysetPage, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import { invalid } from '../../http/validation';
import type { AppEnv } from '../../lib/env';
import { sha256Hex } from '../../lib/hash';
import { serverInfo } from '../../lib/platform';
import { START_CLICKS_IF_NEW } from './click-batches';
import { destinationProblem } from './destination';
import { dispatch } from './dispatcher';
import { newSecret } from './signing';
import type {
  createWebhookRoute,
  cronRoute,
  deleteWebhookRoute,
  getWebhookRoute,
  listDeliveriesRoute,
  listWebhooksRoute,
  retryDeliveryRoute,
  rotateSecretRoute,
  testWebhookRoute,
  updateWebhookRoute,
} from './webhooks.routes';
import {
  DELIVERY_BY_ID,
  INSERT_PING,
  INSERT_WEBHOOK,
  RETRY_DELIVERY,
  ROTATE_SECRET,
  SELECT_DELIVERY,
  SELECT_WEBHOOK,
  toDeliveryRecord,
  toWebhookRecord,
} from './webhooks.queries';
import type { Delivery, Webhook } from './webhooks.schemas';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
// The records' text columns hold the schemas' enums (the database checks them).
const toWebhook = (row: Row) => toWebhookRecord(row) as Webhook;
const toDelivery = (row: Row) => toDeliveryRecord(row) as Delivery;

const notFound = (c: Context<AppEnv>, id: string) =>
  problem(c, 'not-found', { detail: `No webhook endpoint has the id ${id}.` });
const disabled = (c: Context<AppEnv>, id: string) =>
  problem(c, 'webhook-disabled', {
    detail: `The webhook endpoint ${id} is disabled; PATCH it with {"status": "active"} first.`,
  });

const urlProblem = (c: Context<AppEnv>, url: string | undefined) => {
  const refused = url === undefined ? null : destinationProblem(url, c.var.config.WEBHOOK_ALLOW_INSECURE);
  return refused ? invalid(c, { url: [refused] }) : null;
};

export const createWebhook: Handler<typeof createWebhookRoute> = async (c) => {
  const input = c.req.valid('json');
  const refused = urlProblem(c, input.url);
  if (refused) return refused;
  const secret = newSecret();
  const [row] = await db(c).query(INSERT_WEBHOOK, [
    input.url,
    input.events,
    input.description || null,
    secret,
    c.var.principal.userId,
  ]);
  const webhook = toWebhook(row!);
  return c.json({ ...webhook, secret }, 201, { Location: `/api/v1/webhooks/${webhook.id}` });
};

export const listWebhooks: Handler<typeof listWebhooksRoute> = async (c) => {
  const { limit, cursor } = c.req.valid('query');
  const params: unknown[] = [];
  const rows = await db(c).query<Row & { cursorAt: string; id: string }>(
    `select ${SELECT_WEBHOOK}, ${cursorColumn()} from webhooks ${keysetPage({ cursor, limit }, [], params)}`,
    params,
  );
  return c.json(paginate(c, rows, limit, toWebhook), 200);
};

export const getWebhook: Handler<typeof getWebhookRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const [row] = await db(c).query(`select ${SELECT_WEBHOOK} from webhooks where id = $1`, [id]);
  return row ? c.json(toWebhook(row), 200) : notFound(c, id);
};

export const updateWebhook: Handler<typeof updateWebhookRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const patch = c.req.valid('json');
  const refused = urlProblem(c, patch.url);
  if (refused) return refused;
  const params: unknown[] = [id];
  const sets = ['updated_at = now()'];
  if (patch.url !== undefined) sets.push(`url = $${params.push(patch.url)}`);
  if (patch.events !== undefined) sets.push(`events = $${params.push(patch.events)}`, START_CLICKS_IF_NEW);
  if (patch.description !== undefined) sets.push(`description = $${params.push(patch.description || null)}`);
  if (patch.status === 'active') {
    // Re-enabled: the failure streak and the reason are forgotten.
    sets.push(`status = 'active', disabled_reason = null, consecutive_failures = 0`);
  } else if (patch.status === 'disabled') {
    sets.push(`status = 'disabled', disabled_reason = case when status = 'disabled' then disabled_reason
      else 'Disabled by an admin' end`);
  }
  const [row] = await db(c).query(
    `update webhooks set ${sets.join(', ')} where id = $1 returning ${SELECT_WEBHOOK}`,
    params,
  );
  return row ? c.json(toWebhook(row), 200) : notFound(c, id);
};

export const deleteWebhook: Handler<typeof deleteWebhookRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const [row] = await db(c).query('delete from webhooks where id = $1 returning id', [id]);
  return row ? c.body(null, 204) : notFound(c, id);
};

export const rotateSecret: Handler<typeof rotateSecretRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const secret = newSecret();
  const [row] = await db(c).query(ROTATE_SECRET, [id, secret]);
  return row ? c.json({ ...toWebhook(row), secret }, 200) : notFound(c, id);
};

/** Attempts one delivery now and answers with its row. */
async function attemptNow(c: Context<AppEnv>, deliveryId: string) {
  await dispatch(db(c), c.var.config, { ids: [deliveryId], fetch: serverInfo(c)?.webhookFetch });
  const [row] = await db(c).query(DELIVERY_BY_ID, [deliveryId]);
  return c.json(toDelivery(row!), 200);
}

export const testWebhook: Handler<typeof testWebhookRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const [row] = await db(c).query<{ status: string; deliveryId: string | null }>(INSERT_PING, [id]);
  if (!row) return notFound(c, id);
  if (!row.deliveryId) return disabled(c, id);
  return attemptNow(c, row.deliveryId);
};

export const listDeliveries: Handler<typeof listDeliveriesRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const { limit, cursor, status } = c.req.valid('query');
  const params: unknown[] = [id];
  const where = ['d.webhook_id = $1', ...(status ? [`d.status = $${params.push(status)}`] : [])];
  const [rows, exists] = await Promise.all([
    db(c).query<Row & { cursorAt: string; id: string }>(
      `select ${SELECT_DELIVERY}, ${cursorColumn('d.')} from webhook_deliveries d
       join webhook_events e on e.id = d.event_id ${keysetPage({ cursor, limit }, where, params, 'd.')}`,
      params,
    ),
    db(c).query('select 1 from webhooks where id = $1', [id]),
  ]);
  if (exists.length === 0) return notFound(c, id);
  return c.json(paginate(c, rows, limit, toDelivery), 200);
};

export const retryDelivery: Handler<typeof retryDeliveryRoute> = async (c) => {
  const { id, deliveryId } = c.req.valid('param');
  const [row] = await db(c).query<{ status: string; found: boolean; deliveryId: string | null }>(RETRY_DELIVERY, [
    id,
    deliveryId,
  ]);
  if (!row) return notFound(c, id);
  if (!row.found) return problem(c, 'not-found', { detail: `The endpoint ${id} has no delivery ${deliveryId}.` });
  if (row.status !== 'active') return disabled(c, id);
  // Not made due: an attempt is under way right now; its result is what there is to show.
  return attemptNow(c, deliveryId);
};

/** Compares digests, so the time taken says nothing about the secret. */
const sameSecret = async (given: string, secret: string) => (await sha256Hex(given)) === (await sha256Hex(secret));

export const runCron: Handler<typeof cronRoute> = async (c) => {
  const secret = c.var.config.CRON_SECRET;
  const given = /^Bearer +(\S+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
  if (!secret || !given || !(await sameSecret(given, secret))) {
    return problem(c, 'unauthorized', {
      detail: 'Send Authorization: Bearer <CRON_SECRET> (the setting must be set).',
      headers: { 'WWW-Authenticate': 'Bearer realm="cron"' },
    });
  }
  return c.json(await dispatch(db(c), c.var.config), 200);
};
