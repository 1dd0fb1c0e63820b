import type { ServiceName } from '@totes/model';
import { KillStep } from '@totes/runtime';

/** The faults the harness can inject, each on its own. */
export const FaultKind = {
  /** SIGKILL one service process mid-batch, then start it again. */
  killService: 'kill_service',
  /** Publish copies of messages the platform already sent, at once: each is delivered twice. */
  duplicateDelivery: 'duplicate_delivery',
  /** Publish copies of earlier messages after later ones: delivery out of order. */
  reorderDelivery: 'reorder_delivery',
  /** SIGSTOP one service process for a while, then SIGCONT: its messages are held back. */
  holdService: 'hold_service',
  /** The warehouse refuses and cuts every connection for a while (30 s by default). */
  warehouseOutage: 'warehouse_outage',
  /** The source refuses and cuts every connection while an extraction runs. */
  sourceOutage: 'source_outage',
  /** Every lake write fails for a while; reads still work. */
  lakeUnwritable: 'lake_unwritable',
  /** A raw Parquet part is cut short after it was written. */
  truncateLakeObject: 'truncate_lake_object',
  /** Arm a kill point: the first service to write a lake dataset SIGKILLs itself before it announces it. */
  killAfterLakeWrite: 'kill_after_lake_write',
  /** Arm a kill point: the loader SIGKILLs itself with rows copied in its transaction, before the commit. */
  killBeforeCommit: 'kill_before_commit',
  /** Arm a kill point: the first consumer whose handler succeeded SIGKILLs itself before it deletes the message. */
  killBeforeDelete: 'kill_before_delete',
} as const;
/** One of the {@link FaultKind} values. */
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** Every fault kind, in declaration order. */
export const allFaultKinds: readonly FaultKind[] = Object.values(FaultKind);

/** The aimed kills: each arms the kill point at one step of a service's handling of a batch (packages/runtime). */
export const aimedKillSteps = {
  [FaultKind.killAfterLakeWrite]: KillStep.afterLakeWrite,
  [FaultKind.killBeforeCommit]: KillStep.beforeCommit,
  [FaultKind.killBeforeDelete]: KillStep.beforeDelete,
} as const satisfies Partial<Record<FaultKind, KillStep>>;
/** The fault kinds that aim a kill at a step; every `pnpm soak` run forces each of them. */
export type AimedKillKind = keyof typeof aimedKillSteps;
export const aimedKillKinds = Object.keys(aimedKillSteps) as AimedKillKind[];

/** One fault, placed by the plan: when (after which mutation step) and on what. */
export interface ScheduledFault {
  readonly kind: FaultKind;
  /** The mutation step after which it fires, 0-based. */
  readonly step: number;
  /** Milliseconds after the step ends at which it fires. */
  readonly delayMs: number;
  /** How long it lasts (outages, holds, delayed copies); 0 for instant faults. */
  readonly durationMs: number;
  /** The service a kill or hold acts on. */
  readonly service?: ServiceName;
  /** How many messages a duplicate or reorder fault copies. */
  readonly copies?: number;
}

/** How long each lasting fault lasts, in milliseconds. */
export type FaultDurations = Readonly<Record<FaultKind, number>>;

/** What a soak run is asked to do. */
export interface SoakOptions {
  /** Mutations to apply across the 11 tables. */
  readonly mutations: number;
  /** Seeds the mutations and the fault plan. */
  readonly seed: number;
  /** The run gives up draining after this many seconds, and reports what verify says. */
  readonly deadlineSeconds: number;
  /** Faults drawn at random, besides the forced ones. */
  readonly faults: number;
  /** Kinds that fire at least once whatever the draw. */
  readonly force: readonly FaultKind[];
  /** Kinds that may be drawn. */
  readonly kinds: readonly FaultKind[];
  /** Steps the mutations are spread over, one pause between two. */
  readonly steps: number;
  /** The pause after each step, in milliseconds. */
  readonly stepMs: number;
  /** Scale of the seeded totesys. */
  readonly scale: number;
  readonly durations: FaultDurations;
}

/** What a soak run did and found. */
export interface SoakSummary {
  readonly seed: number;
  readonly mutationsApplied: number;
  /** Mutations the source had nothing for (e.g. no unpaid payment left), not applied. */
  readonly mutationsSkipped: number;
  /** Source rows written, per table. */
  readonly rowsWritten: Readonly<Record<string, number>>;
  /** Source rows deleted, per table. */
  readonly rowsDeleted: Readonly<Record<string, number>>;
  readonly faultsInjected: Readonly<Record<FaultKind, number>>;
  /**
   * Of those, the ones that met the pipeline: a duplicate with a message to copy, a source outage during an
   * extraction, a truncation with a part to truncate; outages, kills and holds always do.
   */
  readonly faultsTookEffect: Readonly<Record<FaultKind, number>>;
  /** Messages a service failed and left on the queue to be tried again. */
  readonly retries: number;
  /** Messages a service put back to wait (facts waiting for their dimensions). */
  readonly deferrals: number;
  /** Service processes that exited on their own (e.g. could not start while the warehouse was down). */
  readonly crashes: number;
  readonly deadLettered: number;
  readonly replayed: number;
  /** Raw windows extracted again to repair a corrupt part. */
  readonly reExtracted: number;
  /** From the last mutation to a drained pipeline. */
  readonly drainSeconds: number;
  readonly drained: boolean;
  readonly verified: boolean;
  /** What verify printed. */
  readonly verifyReport: string;
  /** Output lines of the whole run (every service process, the harness) that hold the configured password. */
  readonly secretLines: number;
  /** Service processes that SIGKILLed themselves at an armed kill point, and were started again. */
  readonly killPointExits: number;
}
