import { describe, expect, it } from 'vitest';
import { SoakOptionsError } from './errors';
import { parseSoakArgs } from './options';
import { aimedKillKinds, allFaultKinds, FaultKind } from './types';

describe('parseSoakArgs', () => {
  it('reads the mutations, the seed and the deadline, defaulting the rest', () => {
    const options = parseSoakArgs(['--mutations', '1000', '--seed', '3', '--deadline', '300']);

    expect(options).toMatchObject({
      mutations: 1000,
      seed: 3,
      deadlineSeconds: 300,
      faults: 12,
      force: aimedKillKinds,
      kinds: allFaultKinds,
      steps: 20,
    });
  });

  it('forces every kind with --force all and shortens one fault with --duration', () => {
    const options = parseSoakArgs(['--force', 'all', '--duration', 'warehouse_outage=5000']);

    expect(options).toMatchObject({ force: allFaultKinds, durations: { warehouse_outage: 5000 } });
  });

  it('forces an aimed kill at every step besides the kinds --force names', () => {
    const options = parseSoakArgs(['--force', 'kill_service']);

    expect(options).toMatchObject({ force: [FaultKind.killService, ...aimedKillKinds] });
  });

  it('narrows the drawn kinds with --kinds', () => {
    const options = parseSoakArgs(['--kinds', 'kill_service,hold_service']);

    expect(options).toMatchObject({ kinds: [FaultKind.killService, FaultKind.holdService] });
  });

  it.each([
    [['--mutations', '-1']],
    [['--mutations', 'many']],
    [['--force', 'meteor_strike']],
    [['--deadline', '0']],
    [['--unknown']],
  ])('refuses %j with a usage error', (argv) => {
    const parse = () => parseSoakArgs(argv);

    expect(parse).toThrow(SoakOptionsError);
  });

  it('answers help to --help', () => {
    expect(parseSoakArgs(['--help'])).toBe('help');
  });
});
