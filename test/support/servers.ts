// Starts the real servers the e2e suite and `npm run bench` talk to, each on
// a free loopback port: `next build` / `next start`, and `wrangler dev`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, run, start, type Started } from './process';

const bin = (name: string) => join('node_modules', '.bin', name);
const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: '1' };

export interface Server {
  name: string;
  url: string;
  process: Started;
}

export const nextBuild = (dir?: string) => run(bin('next'), ['build', ...(dir ? [dir] : [])], NEXT_ENV);

export async function startNext(name: string, env: Record<string, string>, dir?: string): Promise<Server> {
  const port = await freePort();
  const args = ['start', ...(dir ? [dir] : []), '-H', '127.0.0.1', '-p', String(port)];
  return { name, url: `http://127.0.0.1:${port}`, process: start(bin('next'), args, { ...env, ...NEXT_ENV }) };
}

/** The Node server mode's bundle (dist/server.mjs), as `npm run build` makes it after `next build`. */
export const serverBuild = () => run(bin('tsx'), ['scripts/build-server.ts']);

/** `npm run serve`: the bundled Node server mode, on the .next build of `dir` (default: the root). */
export async function startServe(name: string, env: Record<string, string>, dir?: string): Promise<Server> {
  const port = await freePort();
  const vars = { ...env, ...NEXT_ENV, PORT: String(port), HOST: '127.0.0.1' };
  const entry = join(process.cwd(), 'dist', 'server.mjs');
  return { name, url: `http://127.0.0.1:${port}`, process: start('node', [entry], vars, dir) };
}

/** A Node script of bench/ (bare-302.mjs, express-baseline.mjs) on a free port. */
export async function startScript(name: string, script: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const vars = { ...env, PORT: String(port), HOST: '127.0.0.1' };
  return { name, url: `http://127.0.0.1:${port}`, process: start('node', [script], vars) };
}

/** `wrangler dev` with the vars in an env file (wrangler reads bindings from it, not from its own environment). */
export async function startWrangler(name: string, env: Record<string, string>, config?: string): Promise<Server> {
  const [port, inspector] = await Promise.all([freePort(), freePort()]);
  const envFile = join(mkdtempSync(join(tmpdir(), 'hop-wrangler-')), '.env');
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const args = [
    'dev',
    ...(config ? ['-c', config] : []),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--env-file',
    envFile,
    '--show-interactive-dev-session=false',
    // GET /__scheduled runs the scheduled handler (the Cron Trigger), as the webhook e2e test does.
    '--test-scheduled',
    '--log-level',
    'warn',
  ];
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    process: start(bin('wrangler'), args, { WRANGLER_SEND_METRICS: 'false' }),
  };
}

/** Polls until `path` answers (redirects are not followed: some point off this machine). */
export async function ready(server: Server, path: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.process.child.exitCode !== null)
      throw new Error(`${server.name} exited early:\n${server.process.output()}`);
    try {
      const res = await fetch(`${server.url}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${server.name}: timed out waiting for ${path}:\n${server.process.output()}`);
}
