import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { facetJsonSchema, facetSchemaPath, type TotesFacet, totesFacets } from './lineage-facets';

/** The repository root, found from this file. */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A facet's published JSON Schema as it is on disk, or `undefined` when there is no file. */
export function readFacetSchemaFile(facet: TotesFacet, root: string = repositoryRoot): unknown {
  const path = join(root, facetSchemaPath(facet));
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

/** What {@link publishFacetSchemas} did, by file (relative to the root). */
export interface FacetSchemaPublication {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  /** Files of a published version whose zod schema changed since: left alone; the facet needs a new version. */
  readonly changed: readonly string[];
}

/**
 * Writes the JSON Schema file of each facet version that has none. A file already published is never rewritten,
 * since events already sent point at it: when it no longer matches its zod schema, it is reported as changed.
 * Files are compared as JSON, so the formatter may lay them out as it likes.
 */
export function publishFacetSchemas(
  facets: readonly TotesFacet[] = Object.values(totesFacets),
  root: string = repositoryRoot,
): FacetSchemaPublication {
  const written: string[] = [];
  const unchanged: string[] = [];
  const changed: string[] = [];
  for (const facet of facets) {
    const file = facetSchemaPath(facet);
    const published = readFacetSchemaFile(facet, root);
    const generated = facetJsonSchema(facet);
    if (published === undefined) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), `${JSON.stringify(generated, null, 2)}\n`);
      written.push(file);
    } else if (isDeepStrictEqual(published, generated)) unchanged.push(file);
    else changed.push(file);
  }
  return { written, unchanged, changed };
}
