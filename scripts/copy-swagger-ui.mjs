// Copies Swagger UI's assets into public/swagger-ui/ so Next (public dir) and
// Workers (static assets) serve them from our own origin: no CDN, works
// offline and under a strict CSP. Our init.js lives in git beside them.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
const out = join(import.meta.dirname, '..', 'public', 'swagger-ui');
mkdirSync(out, { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png']) {
  copyFileSync(join(dist, file), join(out, file));
}
