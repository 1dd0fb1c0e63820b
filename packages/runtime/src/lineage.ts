import { posix } from 'node:path';
import {
  facetSchemaUrl,
  type LakeObject,
  type LineageInputDataset,
  type LineageOutputDataset,
  type OpenLineageBaseFacet,
  openLineageProducer,
  type TotesFacet,
  totesFacets,
} from '@totes/contracts';
import type { z } from 'zod';
import { noSourceUrl, type PlatformConfig } from './config';
import { type LakeLocation, parseLakeUrl } from './lake/index';

/**
 * Where the platform's datasets live, named by OpenLineage's naming conventions: Postgres as
 * `postgres://host:port` and `db.schema.table`; a local lake as `file` and the absolute path; an S3 lake as
 * `s3://bucket` and the key, its prefix included.
 */
export interface LineageNamespaces {
  /** The namespace of the platform's jobs: one per stage. */
  readonly job: string;
  readonly source: { readonly namespace: string; readonly database: string };
  readonly warehouse: { readonly namespace: string; readonly database: string; readonly schema: string };
  /** The lake's namespace, and the path its keys are under: an absolute folder, an S3 prefix, or `''`. */
  readonly lake: { readonly namespace: string; readonly root: string };
}

function postgresNamespace(url: string): { namespace: string; database: string } {
  // An inbox-only platform has no source database to name.
  if (url === noSourceUrl) return { namespace: 'inbox', database: noSourceUrl };
  const parsed = new URL(url);
  return {
    namespace: `postgres://${parsed.hostname}:${parsed.port || '5432'}`,
    database: parsed.pathname.slice(1),
  };
}

function lakeNamespace(location: LakeLocation): LineageNamespaces['lake'] {
  if (location.kind === 'local') return { namespace: 'file', root: location.root };
  return { namespace: `s3://${location.bucket}`, root: location.prefix };
}

/** The namespaces of a run's job and of the source: all a detection cycle's events name. */
export function runLineageNamespaces(
  config: Pick<PlatformConfig, 'stage' | 'sourceUrl'>,
): Pick<LineageNamespaces, 'job' | 'source'> {
  return { job: `totes-${config.stage}`, source: postgresNamespace(config.sourceUrl) };
}

/** The namespaces of a stage's datasets, from its config; credentials never enter them. */
export function lineageNamespaces(
  config: Pick<PlatformConfig, 'stage' | 'sourceUrl' | 'warehouseUrl' | 'warehouseSchema' | 'lakeUrl'>,
): LineageNamespaces {
  return {
    ...runLineageNamespaces(config),
    warehouse: { ...postgresNamespace(config.warehouseUrl), schema: config.warehouseSchema },
    lake: lakeNamespace(parseLakeUrl(config.lakeUrl)),
  };
}

/** An OpenLineage facet: its fields plus where it comes from and what schema it follows. */
export function lineageFacet(schemaUrl: string, fields: Record<string, unknown>): OpenLineageBaseFacet {
  return { _producer: openLineageProducer, _schemaURL: schemaUrl, ...fields };
}

/**
 * One of the platform's own facets, pointing at the published JSON Schema of its version, and checked against its
 * zod schema, so a facet never leaves that its schema does not describe.
 */
export function totesFacet<F extends TotesFacet>(
  facet: F,
  fields: Omit<z.input<F['schema']>, '_producer' | '_schemaURL'>,
): OpenLineageBaseFacet {
  return facet.schema.parse(lineageFacet(facetSchemaUrl(facet), fields)) as OpenLineageBaseFacet;
}

/** A totesys table as an OpenLineage dataset. */
export function sourceDataset(
  namespaces: Pick<LineageNamespaces, 'source'>,
  table: string,
): LineageInputDataset {
  return { namespace: namespaces.source.namespace, name: `${namespaces.source.database}.public.${table}` };
}

/** A warehouse table as an OpenLineage output dataset, with its output statistics when known. */
export function warehouseDataset(
  namespaces: LineageNamespaces,
  model: string,
  rowsWritten?: number,
): LineageOutputDataset {
  const { namespace, database, schema } = namespaces.warehouse;
  return {
    namespace,
    name: `${database}.${schema}.${model}`,
    ...(rowsWritten === undefined
      ? {}
      : {
          outputFacets: {
            outputStatistics: lineageFacet(
              'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet',
              { rowCount: rowsWritten },
            ),
          },
        }),
  };
}

/** A lake object (a folder of Parquet parts) as an OpenLineage dataset, named by its full path in the lake. */
export function lakeDataset(namespaces: LineageNamespaces, object: LakeObject): LineageInputDataset {
  const { namespace, root } = namespaces.lake;
  return {
    namespace,
    name: root === '' ? object.key : posix.join(root, object.key),
    facets: {
      totes_lake: totesFacet(totesFacets.lake, {
        parts: object.parts.length,
        rows: object.rows,
        bytes: object.bytes,
      }),
    },
  };
}
