import { z } from 'zod';

/** The OpenLineage spec version the load-complete events follow. */
export const openLineageSchemaUrl = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

/** Names this software in every OpenLineage event it emits. */
export const openLineageProducer = 'https://github.com/terrific-totes/totes-data-platform';

/** The outcome of a run, as OpenLineage names it. */
export const LineageEventType = { complete: 'COMPLETE', fail: 'FAIL' } as const;
export type LineageEventType = (typeof LineageEventType)[keyof typeof LineageEventType];

const facets = z.record(z.string(), z.unknown());

/** An OpenLineage dataset: a source table, a lake object or a warehouse table. */
export const LineageDataset = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  facets: facets.optional(),
});
export type LineageDataset = z.infer<typeof LineageDataset>;

/**
 * The fields of an OpenLineage RunEvent. The load-complete events carry them beside the platform's own envelope,
 * so a lineage backend (Marquez, DataHub, …) and the platform's own consumers read the same message.
 */
export const lineageFields = {
  eventType: z.enum([LineageEventType.complete, LineageEventType.fail]),
  eventTime: z.iso.datetime(),
  producer: z.string().min(1),
  schemaURL: z.string().min(1),
  run: z.object({ runId: z.uuid(), facets: facets.optional() }),
  job: z.object({ namespace: z.string().min(1), name: z.string().min(1), facets: facets.optional() }),
  inputs: z.array(LineageDataset),
  outputs: z.array(LineageDataset),
} as const;
