/**
 * `pnpm facet-schemas`: writes the JSON Schema file of each new custom facet version under `docs/schemas/facets/`.
 * Exits 1, writing nothing over it, when a published file no longer matches its zod schema: bump that facet's
 * version in `lineage-facets.ts` instead, so the address events already carry keeps its content.
 */
import { publishFacetSchemas } from './facet-schema-files';

const { written, unchanged, changed } = publishFacetSchemas();
for (const file of written) console.log(`Wrote ${file}.`);
if (unchanged.length > 0) console.log(`${unchanged.length} published facet schema(s) unchanged.`);
for (const file of changed) {
  console.error(`${file} is published and its facet changed since: give the facet a new version.`);
  process.exitCode = 1;
}
