import { z } from 'zod';
import {
  OpenLineageDatasetFacet,
  OpenLineageInputDatasetFacet,
  OpenLineageJobFacet,
  OpenLineageOutputDatasetFacet,
  OpenLineageRunFacet,
} from './openlineage';

/** The OpenLineage spec version the load-complete events follow. */
export const openLineageSchemaUrl = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

/** Names this software in every OpenLineage event it emits. */
export const openLineageProducer = 'https://github.com/terrific-totes/totes-data-platform';

/** The run states the platform publishes: a load or a run begins (START), ends (COMPLETE), or fails (FAIL). */
export const LineageEventType = { start: 'START', complete: 'COMPLETE', fail: 'FAIL' } as const;
export type LineageEventType = (typeof LineageEventType)[keyof typeof LineageEventType];

const facets = <T extends z.ZodType>(facet: T) => z.record(z.string(), facet).optional();

/** An OpenLineage dataset: a source table, a lake object or a warehouse table. */
export const LineageDataset = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  facets: facets(OpenLineageDatasetFacet),
});
export type LineageDataset = z.infer<typeof LineageDataset>;

/** A dataset a run read, with the facets of that reading. */
export const LineageInputDataset = LineageDataset.extend({
  inputFacets: facets(OpenLineageInputDatasetFacet),
});
export type LineageInputDataset = z.infer<typeof LineageInputDataset>;

/** A dataset a run wrote, with the facets of that writing: `outputStatistics` belongs here. */
export const LineageOutputDataset = LineageDataset.extend({
  outputFacets: facets(OpenLineageOutputDatasetFacet),
});
export type LineageOutputDataset = z.infer<typeof LineageOutputDataset>;

/**
 * The fields of an OpenLineage RunEvent but `eventType`, which each event narrows. The load-complete events carry
 * them beside the platform's own envelope, so a lineage backend (Marquez, DataHub, …) and the platform's own
 * consumers read the same message. Every facet carries `_producer` and `_schemaURL`.
 */
export const lineageFields = {
  eventTime: z.iso.datetime(),
  producer: z.url(),
  schemaURL: z.url(),
  run: z.object({ runId: z.uuid(), facets: facets(OpenLineageRunFacet) }),
  job: z.object({
    namespace: z.string().min(1),
    name: z.string().min(1),
    facets: facets(OpenLineageJobFacet),
  }),
  inputs: z.array(LineageInputDataset),
  outputs: z.array(LineageOutputDataset),
} as const;
