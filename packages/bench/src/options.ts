import { heapFlags, lambdaHeap } from '@totes/aws-entry/contract';
import { ConfigVariable, defaultLoadParallelism } from '@totes/runtime';
import { BenchError, BenchErrorCode } from './errors';

/** Which service fleets the benchmark runs. */
export const Fleet = {
  /** The timed runs bundled, as deployed; then one more, untimed full load under tsx, for its memory only. */
  both: 'both',
  /** The timed runs bundled, as deployed, and nothing under tsx. */
  bundled: 'bundled',
  /** The timed runs under tsx, as `pnpm start` runs the services; the memory target is then not judged. */
  tsx: 'tsx',
} as const;
/** One of the {@link Fleet} values. */
export type Fleet = (typeof Fleet)[keyof typeof Fleet];

/** The file formats `pnpm bench --inbox` drops. */
export const InboxBenchFormat = {
  csv: 'csv',
  parquet: 'parquet',
  csvGzip: 'csv.gz',
} as const;
/** One of the {@link InboxBenchFormat} values. */
export type InboxBenchFormat = (typeof InboxBenchFormat)[keyof typeof InboxBenchFormat];

/** What `pnpm bench --inbox` drops. */
export interface InboxBenchOptions {
  /** The CSV size of the measured tables together, in MiB (`--inbox-mb`). */
  readonly mb: number;
  /** The formats dropped, each into a fresh platform (`--inbox-format`). */
  readonly formats: readonly InboxBenchFormat[];
  /** Small files dropped at once, for files/s (`--small-files`); 0 skips them. */
  readonly smallFiles: number;
  /**
   * Table-extractor processes polling the one queue (`--extractors`), as Lambda runs several at once: the pieces
   * of a large file are read by all of them.
   */
  readonly extractors: number;
}

/** The defaults of `pnpm bench --inbox`: 1 GiB of CSV, CSV only, 10 000 small files. */
export const defaultInboxBenchOptions: InboxBenchOptions = {
  mb: 1024,
  formats: [InboxBenchFormat.csv],
  smallFiles: 10_000,
  extractors: 2,
};

/** What one `pnpm bench` invocation measures. */
export interface BenchOptions {
  /** The totesys scale: 1 is the live size (about 11k sales orders), 100 about 100 times that. */
  readonly scale: number;
  /** Full loads (each with its floor and its incremental phase); the report gives median, min and max. */
  readonly runs: number;
  /** Single-row changes timed from commit to warehouse per run; 0 skips the incremental phase. */
  readonly changes: number;
  /** The detection interval of the incremental phase: `pnpm start` uses 1000 ms. */
  readonly intervalMs: number;
  /** Where the JSON report is written; null writes none. */
  readonly out: string | null;
  /** The generator's seed. */
  readonly seed: number;
  /** One more, untimed full load under the CPU profiler, summarised in the report. */
  readonly profile: boolean;
  /** The bound on each full load, each change and each drain. */
  readonly timeoutMs: number;
  /**
   * The V8 old-space limit of each service process (`--max-old-space-size`), its semi-spaces those of a function
   * ({@link serviceNodeFlags}): by default, the heap every function is deployed with (`lambdaHeap`); null leaves V8
   * to size the heap from this machine's memory, when it collects far later.
   */
  readonly serviceHeapMb: number | null;
  /**
   * How the service processes run: bundled with esbuild as their Lambdas are and started with plain node, or the
   * TypeScript under tsx; `both` adds one untimed full load under tsx, to set its memory beside the bundled one's.
   */
  readonly fleet: Fleet;
  /**
   * The loader's transactions per large dataset, as `TOTES_LOAD_PARALLELISM` sets them for the platform. The
   * services' other settings are the bench's own: its environment's `TOTES_` URLs never reach them.
   */
  readonly loadParallelism: number;
  /** The dashboard phase, after the incremental one: each page's server time, and commit-to-screen in Chromium. */
  readonly dashboard: boolean;
  /** Requests per page and per named query, cold and warm each, in the dashboard phase. */
  readonly dashboardRequests: number;
  /** Source commits timed to the open page in Chromium, in the dashboard phase; 0 skips that measure. */
  readonly dashboardChanges: number;
  /**
   * `--inbox`: in place of the full loads, files dropped into an inbox-only platform and timed to the warehouse
   * against PostgreSQL's own `COPY … FROM` of the same CSV; null runs the full loads.
   */
  readonly inbox: InboxBenchOptions | null;
}

/**
 * The node flags of a service process: the deployed heap (`lambdaHeap`: old space and semi-spaces), with the old
 * space `serviceHeapMb`; none when that is null.
 */
export function serviceNodeFlags(serviceHeapMb: number | null): string[] {
  return serviceHeapMb === null ? [] : heapFlags({ ...lambdaHeap, oldSpaceMiB: serviceHeapMb });
}

/** `, with <those flags>` for a report's description of its processes; nothing when V8 sizes the heap. */
export function describeServiceHeap(serviceHeapMb: number | null): string {
  return serviceHeapMb === null ? '' : `, with ${serviceNodeFlags(serviceHeapMb).join(' ')}`;
}

/** The defaults of `pnpm bench`. */
export const defaultBenchOptions: BenchOptions = {
  scale: 1,
  runs: 3,
  changes: 50,
  intervalMs: 1000,
  out: 'docs/benchmarks',
  seed: 7,
  profile: true,
  timeoutMs: 30 * 60_000,
  serviceHeapMb: lambdaHeap.oldSpaceMiB,
  fleet: Fleet.both,
  loadParallelism: defaultLoadParallelism,
  dashboard: true,
  dashboardRequests: 20,
  dashboardChanges: 8,
  inbox: null,
};

/** The usage text of `pnpm bench`. */
export const benchUsage = `Usage: pnpm bench [options]

Runs the platform's full initial load against the COPY floor, then times single-row changes from commit to
warehouse, then the dashboard's pages and the time from a commit to an open page, on a fresh embedded PostgreSQL;
writes a JSON report and prints a summary.

Options:
  --scale N          totesys scale (default 1; 1 = about 11k sales orders, 100 = about 1.1M)
  --runs R           full loads, each with its floor and incremental phase (default 3)
  --changes C        single-row changes timed per run (default 50; 0 skips the incremental phase)
  --interval-ms MS   detection interval during the incremental phase (default 1000, as pnpm start)
  --out DIR          folder of the JSON report (default docs/benchmarks)
  --no-out           write no JSON report
  --seed S           generator seed (default 7)
  --no-profile       skip the extra, untimed profiled full load
  --timeout-ms MS    bound on each full load, change and drain (default 1800000)
  --service-heap-mb MB  V8 old-space limit of each service process (default 128, as deployed; the RSS target is 192 MiB)
  --no-service-heap-mb  leave V8 to size each service's heap from this machine's memory
  --fleet F          how the services run: bundled (esbuild, as each Lambda is built; plain node), tsx, or both
                     (default: the runs bundled, plus one untimed full load under tsx for its memory)
  --load-parallelism N  the loader's transactions per large dataset (default: TOTES_LOAD_PARALLELISM, else 2)
  --no-dashboard     skip the dashboard phase (each page's server time cold and warm; commit to screen)
  --dashboard-requests N  requests per page and per named query, cold and warm each (default 20)
  --dashboard-changes C   source commits timed to an open page in Chromium (default 8; 0 skips it)
  --inbox            in place of the full loads: a CSV of sales_order and payment generated, dropped into the inbox
                     of an inbox-only platform and timed to the warehouse, against PostgreSQL's COPY … FROM of it
                     (services bundled unless --fleet tsx; --scale, --runs, --changes, --interval-ms and
                     --profile do not apply)
  --inbox-mb N       with --inbox: the CSV's size in MiB, both tables together (default 1024)
  --inbox-format F   with --inbox: csv, parquet, csv.gz or all (default csv)
  --small-files K    with --inbox: K small files dropped at once, timed as files/s (default 10000; 0 skips)
  --extractors N     with --inbox: table-extractor processes, as Lambda runs several at once (default 2)
  --help             this text`;

/**
 * Parses the arguments of `pnpm bench`; of `env`, only `TOTES_LOAD_PARALLELISM` is read, as the default of
 * `--load-parallelism`. `--help` yields null.
 */
export function parseBenchArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): BenchOptions | null {
  const options: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = { ...defaultBenchOptions };
  const fromEnv = env[ConfigVariable.loadParallelism]?.trim();
  if (fromEnv) options.loadParallelism = integer(ConfigVariable.loadParallelism, fromEnv, 1);
  const args = argv.filter((arg) => arg !== '--');
  let inbox = false;
  const inboxOptions: { -readonly [K in keyof InboxBenchOptions]: InboxBenchOptions[K] } = {
    ...defaultInboxBenchOptions,
  };
  const inboxFlags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg) : [arg, undefined];
    const value = () => {
      const next = inline ?? args[++i];
      if (next === undefined) throw usage(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return null;
      case '--scale':
        options.scale = positiveNumber(flag, value());
        break;
      case '--runs':
        options.runs = integer(flag, value(), 1);
        break;
      case '--changes':
        options.changes = integer(flag, value(), 0);
        break;
      case '--interval-ms':
        options.intervalMs = integer(flag, value(), 1);
        break;
      case '--out':
        options.out = value();
        break;
      case '--no-out':
        options.out = null;
        break;
      case '--seed':
        options.seed = integer(flag, value(), 0);
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--no-profile':
        options.profile = false;
        break;
      case '--service-heap-mb':
        options.serviceHeapMb = integer(flag, value(), 16);
        break;
      case '--no-service-heap-mb':
        options.serviceHeapMb = null;
        break;
      case '--fleet':
        options.fleet = fleet(flag, value());
        break;
      case '--load-parallelism':
        options.loadParallelism = integer(flag, value(), 1);
        break;
      case '--dashboard':
        options.dashboard = true;
        break;
      case '--no-dashboard':
        options.dashboard = false;
        break;
      case '--dashboard-requests':
        options.dashboardRequests = integer(flag, value(), 1);
        break;
      case '--dashboard-changes':
        options.dashboardChanges = integer(flag, value(), 0);
        break;
      case '--timeout-ms':
        options.timeoutMs = integer(flag, value(), 1);
        break;
      case '--inbox':
        inbox = true;
        break;
      case '--inbox-mb':
        inboxOptions.mb = positiveNumber(flag, value());
        inboxFlags.push(flag);
        break;
      case '--inbox-format':
        inboxOptions.formats = inboxFormats(flag, value());
        inboxFlags.push(flag);
        break;
      case '--small-files':
        inboxOptions.smallFiles = integer(flag, value(), 0);
        inboxFlags.push(flag);
        break;
      case '--extractors':
        inboxOptions.extractors = integer(flag, value(), 1);
        inboxFlags.push(flag);
        break;
      default:
        throw usage(`unknown argument ${arg}`);
    }
  }
  if (!inbox && inboxFlags.length > 0) throw usage(`${inboxFlags[0]} needs --inbox`);
  if (inbox) options.inbox = inboxOptions;
  return options;
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw usage(`${flag} must be a positive number, got ${text}`);
  return value;
}

function integer(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw usage(`${flag} must be an integer ≥ ${min}, got ${text}`);
  return value;
}

function fleet(flag: string, text: string): Fleet {
  const known: readonly string[] = Object.values(Fleet);
  if (!known.includes(text)) throw usage(`${flag} must be one of ${known.join(', ')}, got ${text}`);
  return text as Fleet;
}

function inboxFormats(flag: string, text: string): InboxBenchFormat[] {
  const known: readonly string[] = Object.values(InboxBenchFormat);
  if (text === 'all') return Object.values(InboxBenchFormat);
  if (!known.includes(text)) throw usage(`${flag} must be one of ${known.join(', ')} or all, got ${text}`);
  return [text as InboxBenchFormat];
}

function usage(message: string): BenchError {
  return new BenchError(BenchErrorCode.usage, `${message}\n\n${benchUsage}`);
}
