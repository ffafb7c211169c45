import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

// Which requests Next answers in the Node server mode: its own assets, the
// pages under app/ and the files in public/. Everything else (the API, short
// links, unknown paths) goes straight to the Hono app: no Next routing and no
// edge sandbox on the hot path.

const PAGE_FILE = /^page\.(tsx|ts|jsx|js|mdx)$/;

function walk(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** `/report` for app/report/page.tsx; route groups `(x)` vanish; dynamic and private folders are not pages we route. */
function pagePath(appDir: string, file: string): string | null {
  const segments = relative(appDir, file).split(sep).slice(0, -1);
  if (segments.some((s) => s.startsWith('[') || s.startsWith('_') || s.startsWith('@'))) return null;
  return `/${segments.filter((s) => !/^\(.*\)$/.test(s)).join('/')}`;
}

/** A predicate on request paths: true for what Next should answer. */
export function nextOwns(root: string): (path: string) => boolean {
  const appDir = join(root, 'app');
  const publicDir = join(root, 'public');
  const pages = walk(appDir)
    .filter((file) => PAGE_FILE.test(file.slice(file.lastIndexOf(sep) + 1)))
    .map((file) => pagePath(appDir, file))
    .filter((path): path is string => path !== null);
  const files = walk(publicDir).map((file) => `/${relative(publicDir, file).split(sep).join('/')}`);
  const owned = new Set([...pages, ...files]);
  return (path) => owned.has(path) || path.startsWith('/_next/') || path.startsWith('/__nextjs');
}
