import { describe, expect, it } from 'vitest';
import { SoakOptionsError } from './errors';
import { countByKind, defaultFaultDurations, type FaultPlanInput, planFaults } from './fault-plan';
import { allFaultKinds, FaultKind } from './types';

const input: FaultPlanInput = {
  seed: 1,
  steps: 20,
  faults: 12,
  kinds: allFaultKinds,
  force: [],
  stepMs: 1000,
  durations: defaultFaultDurations,
};

describe('planFaults', () => {
  it('gives the same plan for the same seed', () => {
    const first = planFaults(input);

    const again = planFaults(input);

    expect(again).toEqual(first);
  });

  it('gives another plan for another seed', () => {
    const one = planFaults(input);

    const two = planFaults({ ...input, seed: 2 });

    expect(two).not.toEqual(one);
  });

  it('places every forced kind at least once, besides the drawn faults', () => {
    const plan = planFaults({ ...input, faults: 3, force: allFaultKinds });

    const counts = countByKind(plan);

    expect(plan).toHaveLength(allFaultKinds.length + 3);
    for (const kind of allFaultKinds) expect(counts[kind]).toBeGreaterThanOrEqual(1);
  });

  it('draws only the allowed kinds, within the steps and their pauses, in firing order', () => {
    const plan = planFaults({ ...input, faults: 50, kinds: [FaultKind.killService, FaultKind.holdService] });

    expect(new Set(plan.map((fault) => fault.kind))).toEqual(
      new Set([FaultKind.killService, FaultKind.holdService]),
    );
    for (const fault of plan) {
      expect(fault.step).toBeGreaterThanOrEqual(0);
      expect(fault.step).toBeLessThan(input.steps);
      expect(fault.delayMs).toBeLessThan(input.stepMs);
      expect(fault.service).toBeDefined();
    }
    const order = plan.map((fault) => fault.step * input.stepMs + fault.delayMs);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('gives a warehouse outage the 30 s it lasts by default, and copies to delivery faults', () => {
    const plan = planFaults({
      ...input,
      faults: 0,
      force: [FaultKind.warehouseOutage, FaultKind.duplicateDelivery],
    });

    const outage = plan.find((fault) => fault.kind === FaultKind.warehouseOutage);
    const duplicate = plan.find((fault) => fault.kind === FaultKind.duplicateDelivery);

    expect(outage?.durationMs).toBe(30_000);
    expect(duplicate?.copies).toBeGreaterThanOrEqual(1);
  });

  it('refuses faults with no kind to draw them from', () => {
    const plan = () => planFaults({ ...input, kinds: [] });

    expect(plan).toThrow(SoakOptionsError);
  });
});
