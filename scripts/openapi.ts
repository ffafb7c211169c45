// Writes openapi/openapi.json from the code (`npm run openapi`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../src/api/app';
import { openApiDocument } from '../src/api/routes/docs';

export const OPENAPI_PATH = join(import.meta.dirname, '..', 'openapi', 'openapi.json');

export const renderOpenApi = () => `${JSON.stringify(openApiDocument(createApp()), null, 2)}\n`;

if (process.argv[1] === import.meta.filename) {
  writeFileSync(OPENAPI_PATH, renderOpenApi());
  console.log(`wrote ${OPENAPI_PATH.slice(process.cwd().length + 1)}`);
}
