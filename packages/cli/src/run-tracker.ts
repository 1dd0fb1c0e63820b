import type { DetectionResult } from '@totes/change-detector';
import {
  ChangeKind,
  type ModelBuilt,
  type ModelLoaded,
  piecesOf,
  type RunCompleted,
  type TableExtracted,
} from '@totes/contracts';
import type { PlatformEvents } from './platform';

/** What one detection cycle caused, end to end. */
export interface RunSummary {
  readonly runId: string;
  readonly tablesChanged: readonly { table: string; rows: number }[];
  /** The tables whose delete check the run asked for. */
  readonly tablesChecked: readonly string[];
  /** The inbox files the run claimed and asked to read. */
  readonly filesRead: readonly string[];
  readonly rowsExtracted: number;
  /** Rows the delete checks found gone from the source (their tombstones). */
  readonly rowsDeleted: number;
  readonly modelsBuilt: readonly string[];
  readonly loads: number;
  readonly rowsLoaded: number;
  readonly durationMs: number;
  /** The run's completion event, once every model it triggered is loaded. */
  readonly completed: RunCompleted | undefined;
}

export interface RunTracker {
  readonly events: PlatformEvents;
  summary(runId: string, durationMs: number): RunSummary;
  /** The built messages of a run, in the order they were announced. */
  builds(runId: string): readonly ModelBuilt[];
}

/** Collects the events of every run, so a summary can be told for any runId. */
export function createRunTracker(): RunTracker {
  const detections = new Map<string, DetectionResult>();
  const extracted: TableExtracted[] = [];
  const built: ModelBuilt[] = [];
  const loaded: ModelLoaded[] = [];
  const completed = new Map<string, RunCompleted>();
  return {
    events: {
      onDetected: (result) => detections.set(result.runId, result),
      onExtracted: (message) => extracted.push(message),
      onBuilt: (message) => built.push(message),
      onLoaded: (message) => loaded.push(message),
      onRunCompleted: (message) => completed.set(message.runId, message),
    },
    builds: (runId) => built.filter((message) => message.runId === runId),
    summary(runId, durationMs) {
      const ofRun = <T extends { runId: string }>(messages: T[]) =>
        messages.filter((message) => message.runId === runId);
      return {
        runId,
        tablesChanged: (detections.get(runId)?.changes ?? []).map((change) => ({
          table: change.table,
          rows: change.rows,
        })),
        tablesChecked: (detections.get(runId)?.deleteChecks ?? []).map((check) => check.table),
        // A large file is read in pieces, a message each: it is still one file.
        filesRead: [
          ...new Set(
            (detections.get(runId)?.files ?? []).flatMap((file) => piecesOf(file).map((piece) => piece.key)),
          ),
        ],
        rowsExtracted: rowsOf(ofRun(extracted).filter((message) => message.kind !== ChangeKind.deletes)),
        rowsDeleted: rowsOf(ofRun(extracted).filter((message) => message.kind === ChangeKind.deletes)),
        modelsBuilt: [...new Set(ofRun(built).map((message) => message.model))].sort(),
        loads: ofRun(loaded).length,
        rowsLoaded: ofRun(loaded).reduce((sum, message) => sum + message.rows.written, 0),
        durationMs,
        completed: completed.get(runId),
      };
    },
  };
}

function rowsOf(messages: readonly TableExtracted[]): number {
  return messages.reduce((sum, message) => sum + message.object.rows, 0);
}

/** The summary as a person reads it. */
export function formatSummary(summary: RunSummary): string {
  const { tablesChanged, tablesChecked, filesRead } = summary;
  if (tablesChanged.length === 0 && tablesChecked.length === 0 && filesRead.length === 0) {
    return `run ${summary.runId}: no table changed; nothing to do.`;
  }
  const tables = tablesChanged.map((change) => `${change.table} (${change.rows})`).join(', ');
  return [
    `run ${summary.runId} finished in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  tables changed:  ${tablesChanged.length}${tables ? `: ${tables}` : ''}`,
    ...(filesRead.length > 0
      ? [
          `  inbox files:     ${filesRead.length}: ${filesRead.join(', ')} (totes inbox list tells what became of each)`,
        ]
      : []),
    `  rows extracted:  ${summary.rowsExtracted}`,
    ...(tablesChecked.length > 0
      ? [
          `  delete checks:   ${tablesChecked.length}: ${tablesChecked.join(', ')}`,
          `  rows deleted:    ${summary.rowsDeleted}`,
        ]
      : []),
    `  models built:    ${summary.modelsBuilt.length}: ${summary.modelsBuilt.join(', ')}`,
    `  rows loaded:     ${summary.rowsLoaded} in ${summary.loads} loads`,
  ].join('\n');
}
