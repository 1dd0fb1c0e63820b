import {
  causedBy,
  MessageType,
  openLineageProducer,
  openLineageSchemaUrl,
  type RunCompleted,
  totesFacets,
} from '@totes/contracts';
import { type LineageNamespaces, sourceDataset, totesFacet, warehouseDataset } from '../lineage';
import type { CompletedRun } from './run-ledger';

/**
 * The `run.completed` event of a completed run, caused by the message whose handling completed it: an OpenLineage
 * COMPLETE event of the job `run`, from the changed source tables to the loaded warehouse tables, with the
 * watermarks up to which the warehouse is now consistent with each table.
 */
export function runCompletedMessage(
  run: CompletedRun,
  cause: { id: string; runId: string },
  namespaces: LineageNamespaces,
  now = new Date(),
): RunCompleted {
  const durationMs = Math.max(0, now.getTime() - run.startedAt.getTime());
  return {
    ...causedBy(cause),
    type: MessageType.runCompleted,
    eventType: 'COMPLETE',
    eventTime: now.toISOString(),
    producer: openLineageProducer,
    schemaURL: openLineageSchemaUrl,
    run: {
      runId: run.runId,
      facets: {
        totes_watermarks: totesFacet(totesFacets.watermarks, { watermarks: [...run.watermarks] }),
        totes_duration: totesFacet(totesFacets.duration, {
          startedAt: run.startedAt.toISOString(),
          durationMs,
        }),
      },
    },
    job: { namespace: namespaces.job, name: 'run' },
    inputs: run.tables.map((table) => sourceDataset(namespaces, table)),
    outputs: run.models.map((model) => warehouseDataset(namespaces, model)),
    tables: [...run.tables],
    models: [...run.models],
    watermarks: [...run.watermarks],
    startedAt: run.startedAt.toISOString(),
    durationMs,
  };
}
