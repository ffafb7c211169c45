import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layers point one way (README, "Code layout"): lib/ at the bottom;
// db/ and http/ above it, beside each other; middleware/ above those;
// routes/ on top; the app and entry files over everything. Nothing imports
// upwards, and nothing under src/api imports node:* (it runs on the edge).
const ROOT = import.meta.dirname;
const REPO = resolve(ROOT, '..', '..');
const RANK: Record<string, number> = { lib: 0, db: 1, http: 1, middleware: 2, routes: 3 };
const TOP = 4;

const isTest = (file: string) => /\.(test|contract)\.ts$/.test(file);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !isTest(entry.name) ? [path] : [];
  });
}

const layerOf = (file: string) => {
  const top = relative(ROOT, file).split('/')[0]!;
  return top in RANK ? top : '(app)';
};
const rank = (layer: string) => RANK[layer] ?? TOP;

const files = sources(ROOT);
const imports = files.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(([, spec]) => ({
    file,
    spec: spec!,
  })),
);

describe('layers', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(new Set(files.map(layerOf))).toEqual(new Set(['lib', 'db', 'http', 'middleware', 'routes', '(app)']));
  });

  it('never import a higher layer, and db/ and http/ not each other', () => {
    const wrong = imports
      .map(({ file, spec }) => ({
        file,
        spec,
        target: spec.startsWith('@/') ? resolve(REPO, spec.slice(2)) : resolve(dirname(file), spec),
      }))
      // Imports inside src/api, relative or through @/; package.json and packages are outside the layers.
      .filter(({ spec, target }) => /^(\.|@\/)/.test(spec) && !relative(ROOT, target).startsWith('..'))
      .map(({ file, spec, target }) => ({ from: layerOf(file), to: layerOf(target), file, spec }))
      .filter(({ from, to }) => rank(to) > rank(from) || (from !== to && rank(to) === rank(from) && from !== '(app)'))
      .map(({ file, spec, from, to }) => `${relative(ROOT, file)} (${from}) imports ${spec} (${to})`);
    expect(wrong).toEqual([]);
  });

  it('use no Node built-ins', () => {
    const node = imports.filter(({ spec }) => spec.startsWith('node:')).map(({ file, spec }) => `${file}: ${spec}`);
    expect(node).toEqual([]);
  });
});
