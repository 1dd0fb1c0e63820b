import { z } from 'zod';
import { TableWatermark } from './messages';
import { openLineageSpecVersion } from './openlineage';

const baseFacet = {
  _producer: z.url().describe('The software that produced this facet.'),
  _schemaURL: z.url().describe('The JSON Schema of this facet, at the address of this version.'),
};
const baseDatasetFacet = { ...baseFacet, _deleted: z.boolean().optional() };
const count = z.number().int().nonnegative();
const durationMs = z.number().nonnegative().describe('Milliseconds, by the platform’s clock.');

/** `totes_load`: what one load of a model did. On COMPLETE and FAIL, not on START. */
export const TotesLoadRunFacet = z
  .strictObject({
    ...baseFacet,
    rowsReceived: count.describe('Rows read from the processed zone.'),
    rowsWritten: count.describe('Rows inserted or changed in the warehouse; 0 on a repeated delivery.'),
    firstDelivery: z.boolean().describe('False when the same build had been loaded before.'),
    durationMs,
  })
  .describe('What one load of a warehouse model did.');

/** `totes_lake`: the size of a lake dataset (a folder of Parquet parts). */
export const TotesLakeDatasetFacet = z
  .strictObject({
    ...baseDatasetFacet,
    parts: count.describe('Parquet part files in the dataset.'),
    rows: count.describe('Rows in all its parts.'),
    bytes: count.describe('Bytes of all its parts.'),
  })
  .describe('The size of a lake dataset: a folder of Parquet part files.');

/** `totes_watermarks`: per source table, the position up to which the warehouse holds everything. */
export const TotesWatermarksRunFacet = z
  .strictObject({
    ...baseFacet,
    watermarks: z
      .array(TableWatermark)
      .describe(
        'For each source table, the (last_updated, id) up to which the warehouse holds every row; null when none.',
      ),
  })
  .describe('The point up to which the warehouse is consistent with each source table.');

/** `totes_duration`: when a detection cycle began and how long until its last load. */
export const TotesDurationRunFacet = z
  .strictObject({
    ...baseFacet,
    startedAt: z.iso.datetime().describe('When the detection cycle recorded the run.'),
    durationMs,
  })
  .describe('When a run began and how long it took until its last model was loaded.');

/** The OpenLineage facet type a custom facet extends, by its name in the spec's `$defs`. */
export const FacetBase = { run: 'RunFacet', dataset: 'DatasetFacet' } as const;
export type FacetBase = (typeof FacetBase)[keyof typeof FacetBase];

/** A custom facet of the platform: its key in the event, its version, and its zod schema. */
export interface TotesFacet {
  readonly key: string;
  /** Bumped on any change of the schema: the published file of a version never changes. */
  readonly version: string;
  /** Its name in the `$defs` of its JSON Schema file. */
  readonly definition: string;
  readonly base: FacetBase;
  readonly schema: z.ZodObject;
}

/** The platform's custom facets. */
export const totesFacets = {
  load: {
    key: 'totes_load',
    version: '1-0-0',
    definition: 'TotesLoadRunFacet',
    base: FacetBase.run,
    schema: TotesLoadRunFacet,
  },
  lake: {
    key: 'totes_lake',
    version: '1-0-0',
    definition: 'TotesLakeDatasetFacet',
    base: FacetBase.dataset,
    schema: TotesLakeDatasetFacet,
  },
  watermarks: {
    key: 'totes_watermarks',
    version: '1-0-0',
    definition: 'TotesWatermarksRunFacet',
    base: FacetBase.run,
    schema: TotesWatermarksRunFacet,
  },
  duration: {
    key: 'totes_duration',
    version: '1-0-0',
    definition: 'TotesDurationRunFacet',
    base: FacetBase.run,
    schema: TotesDurationRunFacet,
  },
} as const satisfies Record<string, TotesFacet>;

/**
 * Where the facet schema files are served from: the repository's raw files. The version is in the file's name and
 * a published file is never edited (a change is a new version, a new file), so each address keeps its content.
 */
export const facetSchemaBaseUrl =
  'https://raw.githubusercontent.com/terrific-totes/totes-data-platform/main/';

/** The facet's JSON Schema file, relative to the repository root: `docs/schemas/facets/<key>-<version>.json`. */
export function facetSchemaPath(facet: TotesFacet): string {
  return `docs/schemas/facets/${facet.key}-${facet.version}.json`;
}

/** The facet's `_schemaURL`: a JSON Pointer to its definition in the file of its version. */
export function facetSchemaUrl(facet: TotesFacet): string {
  return `${facetSchemaBaseUrl}${facetSchemaPath(facet)}#/$defs/${facet.definition}`;
}

/**
 * The facet's JSON Schema, generated from its zod schema and laid out as OpenLineage lays out its own facet files:
 * the definition extends the spec's base facet, and the document describes an object holding the facet under its
 * key.
 */
export function facetJsonSchema(facet: TotesFacet): Record<string, unknown> {
  const { $schema, ...definition } = z.toJSONSchema(facet.schema);
  return {
    $schema,
    $id: `${facetSchemaBaseUrl}${facetSchemaPath(facet)}`,
    $defs: {
      [facet.definition]: {
        allOf: [
          {
            $ref: `https://openlineage.io/spec/${openLineageSpecVersion}/OpenLineage.json#/$defs/${facet.base}`,
          },
          definition,
        ],
        type: 'object',
      },
    },
    type: 'object',
    properties: { [facet.key]: { $ref: `#/$defs/${facet.definition}` } },
  };
}
