import { causedBy, MessageType, type RunCompleted } from '@totes/contracts';
import type { CompletedRun } from './run-ledger';

/** The `run.completed` event of a completed run, caused by the message whose handling completed it. */
export function runCompletedMessage(
  run: CompletedRun,
  cause: { id: string; runId: string },
  now = new Date(),
): RunCompleted {
  return {
    ...causedBy(cause),
    type: MessageType.runCompleted,
    tables: [...run.tables],
    models: [...run.models],
    watermarks: [...run.watermarks],
    startedAt: run.startedAt.toISOString(),
    durationMs: Math.max(0, now.getTime() - run.startedAt.getTime()),
  };
}
