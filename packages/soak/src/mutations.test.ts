import { MutationKind } from '@totes/totesys';
import { describe, expect, it } from 'vitest';
import { planMutations } from './mutations';

describe('planMutations', () => {
  it('starts with every mutation kind once, deletes included, so all 11 tables are written', () => {
    const plan = planMutations(1, 30);
    const kinds = Object.values(MutationKind);

    expect(new Set(plan.slice(0, kinds.length))).toEqual(new Set(kinds));
    expect(kinds).toContain(MutationKind.rowDeleted);
    expect(plan).toHaveLength(30);
  });

  it('is the same for the same seed and differs for another', () => {
    const one = planMutations(1, 200);

    const again = planMutations(1, 200);
    const other = planMutations(2, 200);

    expect(again).toEqual(one);
    expect(other).not.toEqual(one);
  });

  it('draws mostly new orders and settlements after the first round', () => {
    const plan = planMutations(3, 2000).slice(Object.values(MutationKind).length);

    const orders = plan.filter((kind) => kind === MutationKind.salesOrderCreated).length;
    const touches = plan.filter((kind) => kind === MutationKind.currencyTouched).length;

    expect(orders).toBeGreaterThan(touches * 10);
  });

  it('plans fewer than eleven mutations as a part of the first round', () => {
    const plan = planMutations(1, 4);

    expect(plan).toHaveLength(4);
    expect(new Set(plan).size).toBe(4);
  });
});
