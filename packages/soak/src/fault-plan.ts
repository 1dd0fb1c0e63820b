import { ServiceName } from '@totes/model';
import { createRandom, type Random } from '@totes/totesys';
import { SoakOptionsError } from './errors';
import { type FaultDurations, FaultKind, type ScheduledFault } from './types';

/** How long each lasting fault lasts by default: the warehouse is down for 30 s, as the issue asks. */
export const defaultFaultDurations: FaultDurations = {
  kill_service: 0,
  duplicate_delivery: 0,
  reorder_delivery: 8_000,
  hold_service: 8_000,
  warehouse_outage: 30_000,
  source_outage: 6_000,
  lake_unwritable: 8_000,
  truncate_lake_object: 0,
  // How long an aimed kill stays armed, waiting for a service to reach its step (outages may hold them back).
  kill_after_lake_write: 60_000,
  kill_before_commit: 60_000,
  kill_before_delete: 60_000,
};

/** What {@link planFaults} draws from. */
export interface FaultPlanInput {
  readonly seed: number;
  /** Mutation steps; faults fire after steps 0 … steps - 1. */
  readonly steps: number;
  /** Faults drawn at random from `kinds`. */
  readonly faults: number;
  readonly kinds: readonly FaultKind[];
  /** Kinds placed once each before the random draw. */
  readonly force: readonly FaultKind[];
  /** The pause after each step: a fault fires within it. */
  readonly stepMs: number;
  readonly durations: FaultDurations;
}

const services = Object.values(ServiceName);

/**
 * The faults of a soak run, as a pure function of the seed: every forced kind once, then `faults` more drawn from
 * `kinds`, each at a random step and a random moment within that step's pause, sorted by when they fire. The same
 * input gives the same plan on every machine.
 */
export function planFaults(input: FaultPlanInput): ScheduledFault[] {
  if (!Number.isInteger(input.steps) || input.steps < 1)
    throw new SoakOptionsError(`steps must be a positive integer, got ${input.steps}`);
  if (!Number.isInteger(input.faults) || input.faults < 0)
    throw new SoakOptionsError(`faults must be a whole number, got ${input.faults}`);
  if (input.faults > 0 && input.kinds.length === 0)
    throw new SoakOptionsError('faults are asked for but no fault kind may be drawn');
  const random = createRandom(input.seed, 'soak:faults');
  const kinds = [...input.force, ...Array.from({ length: input.faults }, () => random.pick(input.kinds))];
  return kinds
    .map((kind) => placeFault(kind, random, input))
    .sort((a, b) => a.step - b.step || a.delayMs - b.delayMs);
}

function placeFault(kind: FaultKind, random: Random, input: FaultPlanInput): ScheduledFault {
  const placed = {
    kind,
    step: random.int(0, input.steps - 1),
    delayMs: random.int(0, Math.max(0, input.stepMs - 1)),
    durationMs: input.durations[kind],
  };
  if (kind === FaultKind.killService || kind === FaultKind.holdService)
    return { ...placed, service: random.pick(services) };
  if (kind === FaultKind.duplicateDelivery || kind === FaultKind.reorderDelivery)
    return { ...placed, copies: random.int(1, 5) };
  return placed;
}

/** How many faults of each kind a plan holds, every kind present. */
export function countByKind(faults: readonly { kind: FaultKind }[]): Record<FaultKind, number> {
  const counts = Object.fromEntries(Object.values(FaultKind).map((kind) => [kind, 0])) as Record<
    FaultKind,
    number
  >;
  for (const fault of faults) counts[fault.kind] += 1;
  return counts;
}
