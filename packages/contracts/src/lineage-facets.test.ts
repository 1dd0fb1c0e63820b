import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publishFacetSchemas, readFacetSchemaFile } from './facet-schema-files';
import {
  facetJsonSchema,
  facetSchemaPath,
  facetSchemaUrl,
  type TotesFacet,
  totesFacets,
} from './lineage-facets';

const facets = Object.values(totesFacets) as TotesFacet[];

describe('the custom facets’ published JSON Schemas', () => {
  it.each(facets.map((facet) => [facet.key, facet] as const))(
    '%s points its _schemaURL at its definition in the file of its version',
    (key, facet) => {
      expect(facetSchemaUrl(facet)).toBe(
        `https://raw.githubusercontent.com/terrific-totes/totes-data-platform/main/docs/schemas/facets/${key}-${facet.version}.json#/$defs/${facet.definition}`,
      );
      expect(facet.version).toMatch(/^\d+-\d+-\d+$/);
    },
  );

  it.each(facets.map((facet) => [facetSchemaPath(facet), facet] as const))(
    '%s is in the repository and is what the zod schema generates now (else: a new facet version)',
    (_path, facet) => {
      const published = readFacetSchemaFile(facet);

      expect(published, 'missing: run `pnpm facet-schemas`').toBeDefined();
      expect(published).toEqual(facetJsonSchema(facet));
    },
  );

  it('describes each facet as an extension of the OpenLineage base facet, held under its key', () => {
    const schema = facetJsonSchema(totesFacets.lake);

    expect(schema).toMatchObject({
      $id: facetSchemaUrl(totesFacets.lake).replace(/#.*$/, ''),
      $defs: {
        TotesLakeDatasetFacet: {
          allOf: [
            { $ref: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetFacet' },
            { required: ['_producer', '_schemaURL', 'parts', 'rows', 'bytes'], additionalProperties: false },
          ],
        },
      },
      properties: { totes_lake: { $ref: '#/$defs/TotesLakeDatasetFacet' } },
    });
  });
});

describe('publishFacetSchemas', () => {
  let root: string | undefined;
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  it('writes the file of a new facet version and leaves an identical one alone', () => {
    root = mkdtempSync(join(tmpdir(), 'totes-facets-'));

    const first = publishFacetSchemas([totesFacets.load], root);
    const second = publishFacetSchemas([totesFacets.load], root);

    expect(first).toEqual({ written: [facetSchemaPath(totesFacets.load)], unchanged: [], changed: [] });
    expect(second).toEqual({ written: [], unchanged: [facetSchemaPath(totesFacets.load)], changed: [] });
    expect(readFacetSchemaFile(totesFacets.load, root)).toEqual(facetJsonSchema(totesFacets.load));
  });

  it('never rewrites a published file that no longer matches its facet: it reports it', () => {
    root = mkdtempSync(join(tmpdir(), 'totes-facets-'));
    publishFacetSchemas([totesFacets.load], root);
    const path = join(root, facetSchemaPath(totesFacets.load));
    writeFileSync(path, '{"edited": true}\n');

    const result = publishFacetSchemas([totesFacets.load], root);

    expect(result.changed).toEqual([facetSchemaPath(totesFacets.load)]);
    expect(readFileSync(path, 'utf8')).toBe('{"edited": true}\n');
  });
});
