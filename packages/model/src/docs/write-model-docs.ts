/**
 * `pnpm docs`: writes the model docs to `docs/model.md`. With `--check`, writes nothing and exits 1 when the
 * file on disk is missing or differs from what the model renders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { modelDocsPath, readModelDocs } from './model-docs-file';
import { modelDocsFile, renderModelDocs } from './render-model-docs';

const rendered = renderModelDocs();

if (process.argv.includes('--check')) {
  if (readModelDocs() === rendered) {
    console.log(`${modelDocsFile} is up to date.`);
  } else {
    console.error(
      `${modelDocsFile} is stale: it does not match packages/model. Run \`pnpm docs\` and commit it.`,
    );
    process.exitCode = 1;
  }
} else {
  mkdirSync(dirname(modelDocsPath), { recursive: true });
  writeFileSync(modelDocsPath, rendered);
  console.log(`Wrote ${modelDocsFile}.`);
}
