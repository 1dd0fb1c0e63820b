import { z } from 'zod';

/**
 * The project's own zod mirror of an OpenLineage RunEvent, spec 2-0-2 (`spec/OpenLineage.json`, `$defs/RunEvent`).
 * The spec file is not vendored: this mirror follows it field by field, as loose as it is (every object accepts
 * more fields, as `additionalProperties` allows), so an event this accepts is one the official schema accepts.
 * The rules the JSON Schema does not check (facet placement, naming, START before COMPLETE) are the conformance
 * test's, not this mirror's.
 */
export const openLineageSpecVersion = '2-0-2';

/** The run states of spec 2-0-2 (`RunEvent.eventType`). */
export const OpenLineageRunState = {
  start: 'START',
  running: 'RUNNING',
  complete: 'COMPLETE',
  abort: 'ABORT',
  fail: 'FAIL',
  other: 'OTHER',
} as const;
export type OpenLineageRunState = (typeof OpenLineageRunState)[keyof typeof OpenLineageRunState];

// JSON Schema's `uuid` format is any 8-4-4-4-12 hex string (RFC 4122's grammar), whatever its version bits.
const uuidFormat = z.guid();
// `date-time` is RFC 3339: the zone (`Z` or an offset) is required.
const dateTimeFormat = z.iso.datetime({ offset: true });

/** `BaseFacet`: every facet says who produced it and where its schema is. */
export const OpenLineageBaseFacet = z.looseObject({ _producer: z.url(), _schemaURL: z.url() });
export type OpenLineageBaseFacet = z.infer<typeof OpenLineageBaseFacet>;

/** `RunFacet`, `InputDatasetFacet`, `OutputDatasetFacet`: a base facet and nothing more. */
export const OpenLineageRunFacet = OpenLineageBaseFacet;
export const OpenLineageInputDatasetFacet = OpenLineageBaseFacet;
export const OpenLineageOutputDatasetFacet = OpenLineageBaseFacet;

/** `DatasetFacet` and `JobFacet`: a base facet that may be marked deleted. */
export const OpenLineageDatasetFacet = OpenLineageBaseFacet.extend({ _deleted: z.boolean().optional() });
export const OpenLineageJobFacet = OpenLineageDatasetFacet;

const facetsOf = <T extends z.ZodType>(facet: T) => z.record(z.string(), facet);

/** `Run`. */
export const OpenLineageRun = z.looseObject({
  runId: uuidFormat,
  facets: facetsOf(OpenLineageRunFacet).optional(),
});

/** `Job`. */
export const OpenLineageJob = z.looseObject({
  namespace: z.string(),
  name: z.string(),
  facets: facetsOf(OpenLineageJobFacet).optional(),
});

/** `Dataset`. */
export const OpenLineageDataset = z.looseObject({
  namespace: z.string(),
  name: z.string(),
  facets: facetsOf(OpenLineageDatasetFacet).optional(),
});

/** `InputDataset`: a dataset with the facets of its use as an input. */
export const OpenLineageInputDataset = OpenLineageDataset.extend({
  inputFacets: facetsOf(OpenLineageInputDatasetFacet).optional(),
});

/** `OutputDataset`: a dataset with the facets of its use as an output (`outputStatistics`, say). */
export const OpenLineageOutputDataset = OpenLineageDataset.extend({
  outputFacets: facetsOf(OpenLineageOutputDatasetFacet).optional(),
});

/** `RunEvent` (`BaseEvent` and its own fields). */
export const OpenLineageRunEvent = z.looseObject({
  eventTime: dateTimeFormat,
  producer: z.url(),
  schemaURL: z.url(),
  eventType: z.enum(OpenLineageRunState).optional(),
  run: OpenLineageRun,
  job: OpenLineageJob,
  inputs: z.array(OpenLineageInputDataset).optional(),
  outputs: z.array(OpenLineageOutputDataset).optional(),
});
export type OpenLineageRunEvent = z.infer<typeof OpenLineageRunEvent>;
