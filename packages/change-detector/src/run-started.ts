import {
  LineageEventType,
  MessageType,
  newEnvelope,
  openLineageProducer,
  openLineageSchemaUrl,
  type RunStarted,
} from '@totes/contracts';
import { type LineageNamespaces, sourceDataset } from '@totes/runtime';

/**
 * The `run.started` event of a detection cycle that found changes: the OpenLineage START of the job `run`, whose
 * COMPLETE is the run's `run.completed` (same run id: the cycle's runId), reading the tables it asks to extract.
 * The warehouse tables the run loads are named by its COMPLETE, once known.
 */
export function runStartedEvent(
  runId: string,
  tables: readonly string[],
  namespaces: Pick<LineageNamespaces, 'job' | 'source'>,
  now = new Date(),
): RunStarted {
  return {
    ...newEnvelope({ runId, causationId: null }),
    type: MessageType.runStarted,
    eventType: LineageEventType.start,
    eventTime: now.toISOString(),
    producer: openLineageProducer,
    schemaURL: openLineageSchemaUrl,
    run: { runId },
    job: { namespace: namespaces.job, name: 'run' },
    inputs: tables.map((table) => sourceDataset(namespaces, table)),
    outputs: [],
    tables: [...tables],
  };
}
