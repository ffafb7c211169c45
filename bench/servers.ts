// Builds and starts the servers `npm run bench` measures, each on a free
// loopback port: the app and a constant-302 baseline, under `next start` and
// under `wrangler dev`, started as the e2e suite starts them (test/support/servers.ts).
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export {
  nextBuild,
  ready,
  serverBuild,
  startNext,
  startScript,
  startServe,
  startWrangler,
  type Server,
} from '../test/support/servers';

// Where the app is built: a snapshot of the working tree inside the repo (so
// node_modules resolves upward, as for bench/next-baseline). Building at the
// root would share .next and Next's build lock with a concurrent e2e run
// (`npm test` builds there too) and could swap files under its `next start`.
export const APP_SNAPSHOT = 'bench/.app-build';
const SNAPSHOT = [
  'app',
  'src/api',
  'src/shims',
  'public',
  'next.config.ts',
  'instrumentation.ts',
  'tsconfig.json',
  'package.json',
];

/** Copies what `next build` reads, without tests (they import test/, which the snapshot has not). */
export function snapshotApp(): string {
  for (const path of SNAPSHOT) {
    rmSync(join(APP_SNAPSHOT, path), { recursive: true, force: true });
    cpSync(path, join(APP_SNAPSHOT, path), {
      recursive: true,
      filter: (src) => !/\.(test|contract)\.tsx?$/.test(src),
    });
  }
  return APP_SNAPSHOT;
}
