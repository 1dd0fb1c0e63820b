import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The absolute path of the generated model docs, `<repo root>/docs/model.md`, found from this file. */
export const modelDocsPath = fileURLToPath(new URL('../../../../docs/model.md', import.meta.url));

/** The model docs as they are on disk, or `undefined` when they have not been generated yet. */
export function readModelDocs(): string | undefined {
  return existsSync(modelDocsPath) ? readFileSync(modelDocsPath, 'utf8') : undefined;
}
