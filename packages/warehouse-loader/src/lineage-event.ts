import {
  causedBy,
  type LineageEventType,
  MessageType,
  type ModelBuilt,
  type ModelLoaded,
  openLineageProducer,
  openLineageSchemaUrl,
  uuidFor,
} from '@totes/contracts';
import {
  type LineageNamespaces,
  lakeDataset,
  lineageFacet,
  redactSecrets,
  sourceDataset,
  totesFacetSchemaUrl,
  warehouseDataset,
} from '@totes/runtime';
import type { LoadOutcome } from './warehouse-writer';

/** What a load event says beyond the built message it answers. */
export interface LoadReport {
  readonly eventType: LineageEventType;
  readonly outcome: LoadOutcome;
  readonly durationMs: number;
  readonly error?: Error;
  readonly now?: Date;
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
  const now = report.now ?? new Date();
  const { outcome } = report;
  return {
    ...causedBy(message),
    type: MessageType.modelLoaded,
    eventType: report.eventType,
    eventTime: now.toISOString(),
    producer: openLineageProducer,
    schemaURL: openLineageSchemaUrl,
    run: {
      runId: uuidFor(`load:${message.id}`),
      facets: {
        parent: lineageFacet(
          'https://openlineage.io/spec/facets/1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet',
          {
            run: { runId: message.runId },
            job: { namespace: namespaces.job, name: 'run' },
          },
        ),
        totes_load: lineageFacet(totesFacetSchemaUrl, {
          rowsReceived: outcome.received,
          rowsWritten: outcome.written,
          firstDelivery: outcome.firstDelivery,
          durationMs: report.durationMs,
        }),
        ...(report.error
          ? {
              errorMessage: lineageFacet(
                'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
                {
                  // Published to other teams: no secret and no unbounded text leaves the platform.
                  message: redactSecrets(report.error.message).slice(0, 1000),
                  programmingLanguage: 'TypeScript',
                  stackTrace: redactSecrets(
                    report.error.stack?.split('\n').slice(0, 8).join('\n') ?? '',
                  ).slice(0, 2000),
                },
              ),
            }
          : {}),
      },
    },
    job: { namespace: namespaces.job, name: `load.${message.model}` },
    inputs: [sourceDataset(namespaces, message.table), lakeDataset(namespaces, message.object)],
    outputs: [warehouseDataset(namespaces, message.model, outcome.written)],
    model: message.model,
    kind: message.kind,
    table: message.table,
    rows: { received: outcome.received, written: outcome.written },
    firstDelivery: outcome.firstDelivery,
    durationMs: report.durationMs,
  };
}
