import {
  causedBy,
  derivedFrom,
  LineageEventType,
  MessageType,
  type ModelBuilt,
  type ModelLoaded,
  type ModelLoading,
  openLineageProducer,
  openLineageSchemaUrl,
  totesFacets,
  uuidFor,
} from '@totes/contracts';
import {
  type LineageNamespaces,
  lakeDataset,
  lineageFacet,
  redactSecrets,
  sourceDataset,
  totesFacet,
  warehouseDataset,
} from '@totes/runtime';
import type { LoadOutcome } from './warehouse-writer';

/** What a load event says beyond the built message it answers. */
export interface LoadReport {
  readonly eventType: ModelLoaded['eventType'];
  readonly outcome: LoadOutcome;
  readonly durationMs: number;
  readonly error?: Error;
  readonly now?: Date;
}

/** The OpenLineage run of loading one built message: its START, COMPLETE and FAIL all carry this id. */
export function loadRunId(message: Pick<ModelBuilt, 'id'>): string {
  return uuidFor(`load:${message.id}`);
}

/** What every event of one load says alike: the job, its place under the detection cycle's run, the datasets. */
function loadLineage(message: ModelBuilt, namespaces: LineageNamespaces, now: Date) {
  return {
    eventTime: now.toISOString(),
    producer: openLineageProducer,
    schemaURL: openLineageSchemaUrl,
    parent: lineageFacet(
      'https://openlineage.io/spec/facets/1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet',
      {
        run: { runId: message.runId },
        job: { namespace: namespaces.job, name: 'run' },
      },
    ),
    job: { namespace: namespaces.job, name: `load.${message.model}` },
    inputs: [sourceDataset(namespaces, message.table), lakeDataset(namespaces, message.object)],
  };
}

/**
 * The `model.loading` event: the OpenLineage START of loading one built message, published as the loader begins.
 * Its id is derived from the built message, so a delivery of the same build again announces the same event.
 */
export function modelLoadingEvent(
  message: ModelBuilt,
  namespaces: LineageNamespaces,
  now = new Date(),
): ModelLoading {
  const { parent, ...lineage } = loadLineage(message, namespaces, now);
  return {
    ...derivedFrom(message, 'loading'),
    type: MessageType.modelLoading,
    eventType: LineageEventType.start,
    ...lineage,
    run: { runId: loadRunId(message), facets: { parent } },
    outputs: [warehouseDataset(namespaces, message.model)],
    model: message.model,
    kind: message.kind,
    table: message.table,
  };
}

/**
 * The `model.loaded` event of one load: an OpenLineage RunEvent of the job `load.<model>`, from the source table and
 * the processed lake object to the warehouse table, with row counts and duration as facets; FAIL carries the error.
 * Its run is a child of the detection cycle's run.
 */
export function modelLoadedEvent(
  message: ModelBuilt,
  namespaces: LineageNamespaces,
  report: LoadReport,
): ModelLoaded {
  const { outcome } = report;
  const { parent, ...lineage } = loadLineage(message, namespaces, report.now ?? new Date());
  return {
    ...causedBy(message),
    type: MessageType.modelLoaded,
    eventType: report.eventType,
    ...lineage,
    run: {
      runId: loadRunId(message),
      facets: {
        parent,
        totes_load: totesFacet(totesFacets.load, {
          rowsReceived: outcome.received,
          rowsWritten: outcome.written,
          firstDelivery: outcome.firstDelivery,
          durationMs: report.durationMs,
        }),
        ...(report.error ? { errorMessage: errorMessageFacet(report.error) } : {}),
      },
    },
    outputs: [warehouseDataset(namespaces, message.model, outcome.written)],
    model: message.model,
    kind: message.kind,
    table: message.table,
    rows: { received: outcome.received, written: outcome.written },
    firstDelivery: outcome.firstDelivery,
    durationMs: report.durationMs,
  };
}

function errorMessageFacet(error: Error) {
  return lineageFacet(
    'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
    {
      // Published to other teams: no secret and no unbounded text leaves the platform.
      message: redactSecrets(error.message).slice(0, 1000),
      programmingLanguage: 'TypeScript',
      stackTrace: redactSecrets(error.stack?.split('\n').slice(0, 8).join('\n') ?? '').slice(0, 2000),
    },
  );
}
