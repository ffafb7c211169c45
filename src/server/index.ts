// `npm run serve` (after `npm run build`) and `npm run serve:dev`: one Node
// process, Hono in front for the API and short links, Next for its pages.
// Configuration as `npm run dev`: the environment and .env files, PORT
// (default 3000), HOST (default 0.0.0.0), and the same embedded database.
// Run from the project's root (as npm does): Next and the migrations are found there.
import { join } from 'node:path';
import nextEnv from '@next/env';
import { createApp } from '../api/app';
import { parseConfig } from '../api/lib/config';
import { log } from '../api/lib/log';
import { startHousekeeping } from './housekeeping';
import { localDatabase } from './local-database';
import { describeError } from './migrations';
import { nextOwns } from './routing';
import { createNodeServer } from './server';
import { shutdown } from './shutdown';
import { guardedFetch } from './webhook-fetch';
import { startWebhookScheduler } from './webhook-scheduler';

const startedAt = Date.now();
const dev = process.argv.includes('--dev');
const root = process.cwd();
nextEnv.loadEnvConfig(root, dev, { info: () => {}, error: console.error });
// Tells instrumentation.ts not to install the guard next start needs: this front answers those methods.
process.env.HOP_NODE_SERVER = '1';

const fail = (message: string) => {
  console.error(`serve: ${message}`);
  process.exit(1);
};

let config = (() => {
  try {
    return parseConfig(process.env);
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const database = await localDatabase(config, join(root, 'src', 'api', 'db', 'migrations')).catch((error: unknown) =>
  fail(`database: ${describeError(error)}`),
);
const env: Record<string, unknown> = { ...process.env, ...database.env, DATABASE_URL: database.url };
config = parseConfig(env);
for (const note of database.notes) log(config.LOG_LEVEL, 'info', { msg: `serve: ${note}` });

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '0.0.0.0';
const app = createApp();
const webhookFetch = guardedFetch(config.WEBHOOK_ALLOW_INSECURE);
// Next loads and prepares on the first request it owns (a page, an asset):
// short links and the API never wait for it, and a process that only
// redirects does not carry Next's ~100 MB. (`next dev` at once, for its hot reload.)
type NextApp = ReturnType<typeof import('next').default>;
let loading: Promise<NextApp> | undefined;
const prepared = () =>
  (loading ??= import('next').then(async ({ default: next }) => {
    const nextApp = next({ dev, dir: root, hostname, port });
    await nextApp.prepare();
    return nextApp;
  }));
if (dev) void prepared();
const node = createNodeServer({
  app,
  env,
  startedAt,
  webhookFetch,
  nextOwns: nextOwns(root),
  next: {
    handle: async (req, res) => (await prepared()).getRequestHandler()(req, res),
    upgrade: async (req, socket, head) => (await prepared()).getUpgradeHandler()(req, socket, head),
  },
});
node.server.listen(port, hostname, () => {
  log(config.LOG_LEVEL, 'info', {
    msg: `serve: listening on http://${hostname}:${port}${dev ? ' (next dev)' : ''}`,
    startupMs: Date.now() - startedAt,
  });
});
const housekeeping = startHousekeeping(config);
const webhookScheduler = startWebhookScheduler(config, undefined, webhookFetch);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log(config.LOG_LEVEL, 'info', { msg: `serve: ${signal}, draining` });
  housekeeping.stop();
  try {
    await shutdown(node, app, config, async () => {
      // Deliveries deferred by requests were awaited with the other work; then what is due.
      await webhookScheduler.stop();
      await webhookScheduler.drain();
      if (loading) await (await loading).close();
      await database.close();
    });
    process.exit(0);
  } catch (error) {
    console.error(`serve: shutdown failed: ${String(error)}`);
    process.exit(1);
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
