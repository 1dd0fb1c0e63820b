import { parseArgs } from 'node:util';
import { totesysDdl } from './ddl';
import { TotesysCliArgumentsError } from './errors';
import { defaultTotesysSeed } from './generator';
import { type MutationKind, MutationKind as MutationKinds, mutateTotesys } from './mutator';
import { isSeeded, seedTotesys } from './seed';
import type { TotesysSeed } from './types';

/** The usage text of the totesys CLI. */
export const totesysCliUsage = `Usage: tsx packages/totesys/src/bin.ts <command> [options]

Commands:
  seed    Create the totesys schema in an empty database and load a generated history.
            --url URL       database (default: $TOTESYS_URL)
            --scale N       multiplies orders, transactions and payments (default 1 = real counts)
            --seed S        generator seed (default ${defaultTotesysSeed})
            --if-empty      do nothing, successfully, when the database is already seeded
  mutate  Change the data the way the live system does, one transaction per change.
            --url URL       database (default: $TOTESYS_URL)
            --count N       how many changes (default 1)
            --seed S        choice seed (default ${defaultTotesysSeed})
            --kinds a,b     kinds to draw from: ${Object.values(MutationKinds).join(', ')}
  ddl     Print the DDL.
`;

/** A parsed command line of the totesys CLI. */
export type TotesysCliCommand =
  | { command: 'seed'; url: string; seed: TotesysSeed; scale: number; ifEmpty: boolean }
  | { command: 'mutate'; url: string; seed: TotesysSeed; count: number; kinds: MutationKind[] | undefined }
  | { command: 'ddl' }
  | { command: 'help' };

/**
 * Parses the CLI arguments (without `node` and the script).
 * @throws {TotesysCliArgumentsError} on an unknown command or option, or a malformed number.
 */
export function parseTotesysCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): TotesysCliCommand {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (cause) {
    throw new TotesysCliArgumentsError(`${(cause as Error).message}\n\n${totesysCliUsage}`, { cause });
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { command: 'help' };
  if (rest.length > 0) throw new TotesysCliArgumentsError(`Unexpected argument(s): ${rest.join(' ')}`);
  if (command === 'ddl') return { command };
  if (command !== 'seed' && command !== 'mutate') {
    throw new TotesysCliArgumentsError(`Unknown command '${command}'.\n\n${totesysCliUsage}`);
  }
  const url = values.url ?? env.TOTESYS_URL;
  if (!url) throw new TotesysCliArgumentsError('Give the database with --url or TOTESYS_URL.');
  const seed = values.seed === undefined ? defaultTotesysSeed : seedOf(values.seed);
  if (command === 'seed') {
    const scale = values.scale === undefined ? 1 : Number(values.scale);
    if (!Number.isFinite(scale) || scale <= 0) {
      throw new TotesysCliArgumentsError(`--scale must be a positive number, got '${values.scale}'.`);
    }
    return { command, url, seed, scale, ifEmpty: values['if-empty'] ?? false };
  }
  const count = values.count === undefined ? 1 : Number(values.count);
  if (!Number.isInteger(count) || count < 0) {
    throw new TotesysCliArgumentsError(`--count must be a non-negative integer, got '${values.count}'.`);
  }
  const kinds = values.kinds?.split(',').map((kind) => kind.trim()) as MutationKind[] | undefined;
  return { command, url, seed, count, kinds };
}

/** Runs the CLI and returns the process exit code; output goes to `out`, errors to `err`. */
export async function runTotesysCli(
  argv: readonly string[],
  io: { out: (text: string) => void; err: (text: string) => void } = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  },
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  try {
    const command = parseTotesysCliArgs(argv, env);
    switch (command.command) {
      case 'help':
        io.out(totesysCliUsage);
        return 0;
      case 'ddl':
        io.out(totesysDdl);
        return 0;
      case 'seed': {
        if (command.ifEmpty && (await isSeeded(command.url))) {
          io.out('totesys is already seeded; nothing done.\n');
          return 0;
        }
        const result = await seedTotesys(command.url, { seed: command.seed, scale: command.scale });
        const counts = Object.entries(result.counts).map(([table, rows]) => `${table}=${rows}`);
        io.out(`seeded totesys (seed ${result.seed}, scale ${result.scale}): ${counts.join(' ')}\n`);
        return 0;
      }
      case 'mutate': {
        const done = await mutateTotesys(command.url, {
          seed: command.seed,
          count: command.count,
          ...(command.kinds ? { kinds: command.kinds } : {}),
        });
        for (const record of done) {
          const ids = Object.entries(record.ids).map(([table, id]) => `${table}=${id}`);
          io.out(`${record.kind} ${ids.join(' ')}\n`);
        }
        return 0;
      }
    }
  } catch (error) {
    // Database errors (unreachable server, bad credentials…) are reported the same way, without a stack.
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    io.err(`${name}: ${message}\n`);
    return error instanceof TotesysCliArgumentsError ? 2 : 1;
  }
}

function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      count: { type: 'string' },
      kinds: { type: 'string' },
      'if-empty': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Numeric seeds stay numbers so `--seed 42` matches `{ seed: 42 }` (both hash as '42' anyway). */
function seedOf(text: string): TotesysSeed {
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : text;
}
