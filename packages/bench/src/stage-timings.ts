import { ServiceName } from '@totes/model';

/** The stages of the pipeline, in the order a change passes them. */
export const Stage = { detect: 'detect', extract: 'extract', build: 'build', load: 'load' } as const;
/** One of the {@link Stage} values. */
export type Stage = (typeof Stage)[keyof typeof Stage];

/** How long one stage worked, measured two ways. */
export interface StageTiming {
  /** Messages handled (detection: cycles). */
  readonly messages: number;
  /** The sum of each message's handling time: the work, wherever it overlapped. */
  readonly busyMs: number;
  /** From the first handling's start to the last one's end. */
  readonly spanMs: number;
  /** When the stage started and ended, from the first detection. */
  readonly startOffsetMs: number;
  readonly endOffsetMs: number;
}

/** One message handled, as the worker's `handled` log line tells it. */
export interface HandledMessage {
  readonly service: string;
  readonly runId: string;
  readonly messageId: string;
  /** The model of a builder's queue; absent for the extractor and the loader. */
  readonly model: string | undefined;
  readonly endedAt: number;
  readonly durationMs: number;
}

/** Collects the platform's JSON log lines as the run goes: handled messages, deferrals, retries and errors. */
export interface LogRecorder {
  /** The logger's `write`: every line goes through here. */
  write(line: string): void;
  handledOf(runId: string): readonly HandledMessage[];
  /** Messages put back to wait (loads waiting for dimension rows), all runs. */
  readonly deferrals: number;
  /** Why, for the first few: the worker's reason, e.g. `fact_payment waits for dim_date 2024-01-02`. */
  readonly deferralReasons: readonly string[];
  /** Messages that failed and were left on their queue for a retry, all runs. */
  readonly retries: number;
  /** The first error lines, for the report of a failed run. */
  readonly errors: readonly string[];
}

const stageOfService: Readonly<Record<string, Exclude<Stage, 'detect'>>> = {
  [ServiceName.tableExtractor]: Stage.extract,
  [ServiceName.dimensionBuilder]: Stage.build,
  [ServiceName.factBuilder]: Stage.build,
  [ServiceName.warehouseLoader]: Stage.load,
};

/**
 * A log sink that keeps what the per-stage breakdown needs. The workers log `handled` with the message's handling
 * time at debug level, so the logger writing here must be at debug level.
 */
export function createLogRecorder(): LogRecorder {
  const handled: HandledMessage[] = [];
  const errors: string[] = [];
  const deferralReasons: string[] = [];
  let deferrals = 0;
  let retries = 0;
  return {
    write(line) {
      if (line.includes('"message":"handled"')) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        handled.push({
          service: String(entry.service),
          runId: String(entry.runId),
          messageId: String(entry.messageId),
          model: typeof entry.model === 'string' ? entry.model : undefined,
          endedAt: Date.parse(String(entry.time)),
          durationMs: Number(entry.durationMs),
        });
      } else if (line.includes('"message":"message deferred"')) {
        deferrals += 1;
        const { reason, delaySeconds } = JSON.parse(line) as { reason?: unknown; delaySeconds?: unknown };
        if (deferralReasons.length < 10)
          deferralReasons.push(`${String(reason)} (for ${String(delaySeconds)} s)`);
      } else if (line.includes('"message":"message failed; left on the queue for retry"')) {
        retries += 1;
      }
      if (line.includes('"level":"error"') && errors.length < 20) errors.push(line);
    },
    handledOf: (runId) => handled.filter((entry) => entry.runId === runId),
    get deferrals() {
      return deferrals;
    },
    deferralReasons,
    get retries() {
      return retries;
    },
    errors,
  };
}

/**
 * The per-stage breakdown of one run from its handled messages; `startedAt` is the epoch time at which the
 * detection started, `detectMs` how long it took.
 */
export function stageTimings(
  handled: readonly HandledMessage[],
  startedAt: number,
  detectMs: number,
): Record<Stage, StageTiming> {
  const timingOf = (entries: readonly HandledMessage[]): StageTiming => {
    if (entries.length === 0) return { messages: 0, busyMs: 0, spanMs: 0, startOffsetMs: 0, endOffsetMs: 0 };
    const first = Math.min(...entries.map((entry) => entry.endedAt - entry.durationMs));
    const last = Math.max(...entries.map((entry) => entry.endedAt));
    return {
      messages: entries.length,
      busyMs: entries.reduce((sum, entry) => sum + entry.durationMs, 0),
      spanMs: last - first,
      startOffsetMs: first - startedAt,
      endOffsetMs: last - startedAt,
    };
  };
  const ofStage = (stage: Stage) => handled.filter((entry) => stageOfService[entry.service] === stage);
  return {
    detect: { messages: 1, busyMs: detectMs, spanMs: detectMs, startOffsetMs: 0, endOffsetMs: detectMs },
    extract: timingOf(ofStage(Stage.extract)),
    build: timingOf(ofStage(Stage.build)),
    load: timingOf(ofStage(Stage.load)),
  };
}
