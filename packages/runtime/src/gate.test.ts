import { describe, expect, it } from 'vitest';
import { createGate } from './gate';

describe('createGate', () => {
  it('lets a second entrant in only when the first leaves, and a second leave frees no place', async () => {
    const gate = createGate(1);
    const order: string[] = [];

    const exitFirst = await gate.enter();
    const second = gate.enter().then((exit) => {
      order.push('second in');
      return exit;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    order.push('first out');
    exitFirst();
    exitFirst();
    const exitSecond = await second;
    let thirdIn = false;
    const third = gate.enter().then(() => (thirdIn = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const thirdWaited = !thirdIn;
    exitSecond();
    await third;

    expect(order).toEqual(['first out', 'second in']);
    expect(thirdWaited).toBe(true);
  });
});
