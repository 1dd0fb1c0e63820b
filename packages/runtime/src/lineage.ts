import { type LakeObject, type LineageDataset, openLineageProducer } from '@totes/contracts';
import type { PlatformConfig } from './config';
import { formatLakeUrl, parseLakeUrl } from './lake/index';

/** Where the platform's datasets live, named as OpenLineage names them (`postgres://host:port`, `s3://bucket`). */
export interface LineageNamespaces {
  /** The namespace of the platform's jobs: one per stage. */
  readonly job: string;
  readonly source: { readonly namespace: string; readonly database: string };
  readonly warehouse: { readonly namespace: string; readonly database: string; readonly schema: string };
  readonly lake: string;
}

function postgresNamespace(url: string): { namespace: string; database: string } {
  const parsed = new URL(url);
  return {
    namespace: `postgres://${parsed.hostname}:${parsed.port || '5432'}`,
    database: parsed.pathname.slice(1),
  };
}

/** The namespaces of a stage's datasets, from its config; credentials never enter them. */
export function lineageNamespaces(
  config: Pick<PlatformConfig, 'stage' | 'sourceUrl' | 'warehouseUrl' | 'warehouseSchema' | 'lakeUrl'>,
): LineageNamespaces {
  const lake = formatLakeUrl(parseLakeUrl(config.lakeUrl));
  return {
    job: `totes-${config.stage}`,
    source: postgresNamespace(config.sourceUrl),
    warehouse: { ...postgresNamespace(config.warehouseUrl), schema: config.warehouseSchema },
    lake,
  };
}

/** An OpenLineage facet: its fields plus where it comes from and what schema it follows. */
export function lineageFacet(schemaUrl: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { _producer: openLineageProducer, _schemaURL: schemaUrl, ...fields };
}

/** The schema of the platform's own facets, documented in docs/events.md. */
export const totesFacetSchemaUrl =
  'https://github.com/terrific-totes/totes-data-platform/blob/main/docs/events.md';

/** A totesys table as an OpenLineage dataset. */
export function sourceDataset(namespaces: LineageNamespaces, table: string): LineageDataset {
  return { namespace: namespaces.source.namespace, name: `${namespaces.source.database}.public.${table}` };
}

/** A warehouse table as an OpenLineage dataset, with its output statistics when known. */
export function warehouseDataset(
  namespaces: LineageNamespaces,
  model: string,
  rowsWritten?: number,
): LineageDataset {
  const { namespace, database, schema } = namespaces.warehouse;
  return {
    namespace,
    name: `${database}.${schema}.${model}`,
    ...(rowsWritten === undefined
      ? {}
      : {
          facets: {
            outputStatistics: lineageFacet(
              'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet',
              { rowCount: rowsWritten },
            ),
          },
        }),
  };
}

/** A lake object (a folder of Parquet parts) as an OpenLineage dataset. */
export function lakeDataset(namespaces: LineageNamespaces, object: LakeObject): LineageDataset {
  return {
    namespace: namespaces.lake,
    name: object.key,
    facets: {
      totes_lake: lineageFacet(totesFacetSchemaUrl, {
        parts: object.parts.length,
        rows: object.rows,
        bytes: object.bytes,
      }),
    },
  };
}
