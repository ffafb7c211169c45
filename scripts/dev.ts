// `npm run dev` (Next) and `npm run dev:worker` (wrangler dev): the app with
// its embedded database (src/server/local-database.ts).
import { spawn } from 'node:child_process';
import nextEnv from '@next/env';
import { CONFIG_KEYS, parseConfig } from '../src/api/lib/config';
import { localDatabase, type Database } from '../src/server/local-database';
import { describeError, MIGRATIONS_DIR } from './db-migrate';

const target = process.argv[2] === 'worker' ? 'worker' : 'next';
// As Next does: .env, .env.local, .env.development(.local). wrangler adds .dev.vars itself.
nextEnv.loadEnvConfig(process.cwd(), true, { info: () => {}, error: console.error });

let config;
try {
  config = parseConfig(process.env);
} catch (error) {
  console.error(String((error as Error).message));
  process.exit(1);
}

let database: Database;
try {
  database = await localDatabase(config, MIGRATIONS_DIR);
} catch (error) {
  console.error(`dev: migration failed: ${describeError(error)}`);
  process.exit(1);
}
for (const note of database.notes) console.log(`dev: ${note}`);
const databaseUrl = database.url;

const port = process.env.PORT ?? (target === 'next' ? '3000' : '8787');
const vars: NodeJS.ProcessEnv = { ...process.env, ...database.env, DATABASE_URL: databaseUrl };
const forwarded = CONFIG_KEYS.filter((key) => vars[key]).map((key) => `${key}:${vars[key]}`);
const [command, args] =
  target === 'next'
    ? ['next', ['dev', '-p', port]]
    : ['wrangler', ['dev', '--ip', '127.0.0.1', '--port', port, ...forwarded.flatMap((v) => ['--var', v])]];

const child = spawn(`node_modules/.bin/${command}`, args as string[], {
  stdio: 'inherit',
  env: { ...vars, WRANGLER_SEND_METRICS: 'false' },
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  await database.close(); // PGlite flushes, so data survives a restart
  process.exit(code);
}
child.on('exit', (code) => void stop(code ?? 0));
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
