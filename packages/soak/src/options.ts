import { parseArgs } from 'node:util';
import { SoakOptionsError } from './errors';
import { defaultFaultDurations } from './fault-plan';
import { aimedKillKinds, allFaultKinds, type FaultKind, type SoakOptions } from './types';

/** The help text of `pnpm soak`. */
export const soakUsage = `pnpm soak [--mutations N] [--seed S] [--deadline S] [--faults N] [--force KIND,…|all]
          [--kinds KIND,…] [--steps N] [--step-ms MS] [--scale X] [--duration KIND=MS]…

Runs the five services, one process each, over embedded Postgres and fauxqs; applies N mutations across the 11
totesys tables in --steps steps while faults fire at random (seeded); drains, replaying dead letters; then verifies.
--deadline bounds the run, from its start to the end of the drain (verify runs then, drained or not).
Every run forces one aimed kill per step (${aimedKillKinds.join(', ')}), besides --force.
Exit 0 when verify passes, no output line held the password and an aimed kill took effect at every step; 1 when
not; 2 on a usage error.

Fault kinds: ${allFaultKinds.join(', ')}
Defaults: --mutations 1000 --seed 1 --deadline 600 --faults 12 --steps 20 --step-ms 1500 --scale 0.01
`;

const flags = {
  mutations: { type: 'string' },
  seed: { type: 'string' },
  deadline: { type: 'string' },
  faults: { type: 'string' },
  force: { type: 'string' },
  kinds: { type: 'string' },
  steps: { type: 'string' },
  'step-ms': { type: 'string' },
  scale: { type: 'string' },
  duration: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags of `pnpm soak` as {@link SoakOptions}, or `'help'`; refuses anything malformed. */
export function parseSoakArgs(argv: readonly string[]): SoakOptions | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof flags }>>;
  try {
    parsed = parseArgs({ args: argv.filter((arg) => arg !== '--'), options: flags, strict: true });
  } catch (error) {
    throw new SoakOptionsError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const durations = { ...defaultFaultDurations };
  for (const entry of values.duration ?? []) {
    const [kind = '', ms = ''] = entry.split('=');
    durations[faultKinds('--duration', kind)[0]!] = whole('--duration', ms, 0);
  }
  return {
    mutations: whole('--mutations', values.mutations ?? '1000', 1),
    seed: whole('--seed', values.seed ?? '1', 0),
    deadlineSeconds: whole('--deadline', values.deadline ?? '600', 1),
    faults: whole('--faults', values.faults ?? '12', 0),
    // Each step of a batch's handling is killed at least once in every run, whatever else is forced.
    force: [
      ...new Set([
        ...(values.force === undefined ? [] : faultKinds('--force', values.force)),
        ...aimedKillKinds,
      ]),
    ],
    kinds: values.kinds === undefined ? allFaultKinds : faultKinds('--kinds', values.kinds),
    steps: whole('--steps', values.steps ?? '20', 1),
    stepMs: whole('--step-ms', values['step-ms'] ?? '1500', 0),
    scale: positive('--scale', values.scale ?? '0.01'),
    durations,
  };
}

function whole(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min)
    throw new SoakOptionsError(`${flag} must be a whole number ≥ ${min}, got "${text}"`);
  return value;
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new SoakOptionsError(`${flag} must be a positive number, got "${text}"`);
  return value;
}

function faultKinds(flag: string, text: string): FaultKind[] {
  if (text === 'all') return [...allFaultKinds];
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !allFaultKinds.includes(name as FaultKind));
  if (unknown.length > 0 || names.length === 0)
    throw new SoakOptionsError(
      `${flag}: unknown fault kind(s) ${unknown.map((name) => `"${name}"`).join(', ')}; expected ${allFaultKinds.join(', ')} or all`,
    );
  return names as FaultKind[];
}
