/** `npm run openapi`: writes the OpenAPI description, generated from the route table and the contracts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './openapi-document.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('./openapi.json', import.meta.url));

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The file's exact text, so that a test can compare the committed file with a fresh one. */
export const openApiText = () => `${JSON.stringify(buildOpenApiDocument(packageVersion), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
