import { parseArgs } from 'node:util';
import { redactSecrets } from '@totes/runtime';
import { dashboard } from './commands/dashboard';
import { dlq } from './commands/dlq';
import { inbox } from './commands/inbox';
import { lake } from './commands/lake';
import { runOnce } from './commands/run-once';
import { serve } from './commands/serve';
import { start } from './commands/start';
import { status } from './commands/status';
import { verify } from './commands/verify';
import { CliError, CliErrorCode } from './errors';
import { defaultStatusThresholds } from './ops/status-report';

/** The help text of `totes`. */
export const usage = `totes: the Totes Data Platform

Usage:
  totes start [--interval MS] [--mutate [MS]] [--mutate-deletes] [--scale N] [--seed S]
      Boot the local stack (or use the URLs in env), seed totesys on first start, run the five
      services and load changes continuously. --mutate changes the embedded totesys live;
      --mutate-deletes lets it delete rows too (off by default).
  totes run --once [--check-deletes] [--timeout S] [--scale N] [--seed S]
      One detection cycle; waits until everything it caused is loaded, prints a summary.
      --check-deletes reconciles every table's keys with the lake now, whatever the cadence.
  totes serve [--service NAME]… [--interval MS] [--visibility-timeout S] [--claim-lease S]
      Runs the named services (all five by default) in this process against the platform that env
      names: TOTES_SOURCE_URL, TOTES_WAREHOUSE_URL, TOTES_LAKE_URL and AWS_ENDPOINT_URL (or AWS).
      One process per service, as on AWS; JSON logs on standard output. --visibility-timeout (30 s)
      is how long a failed message waits before its retry; --claim-lease (300 s) how long an
      extraction may take before the detector asks for it again.
  totes verify
      Reconciles the warehouse against the source: dimensions row for row, one fact row per source
      row version, counts and sums per table, currency and day. Exits 1 with a readable diff on any
      mismatch. TOTES_VERIFY_SAMPLE_LIMIT sets how many differences each failed check shows. With
      TOTES_SOURCE_URL=none, reconciles against the lake's raw zone (the latest version of each row).
  totes dlq list [--json]
      Every dead-letter queue with its depth and the age of its oldest message. Exits 1 when the
      queues cannot be read (no platform running, a wrong --stage), and says why, in --json too.
  totes dlq show <queue> [--json]
      The dead-lettered messages: why each failed (error, service, attempts, when) and its payload.
  totes dlq replay <queue> [--filter type=|table=|model=|runId=…]… [--dry-run] [--limit N]
      Moves matching messages back to their queue. Safe to run twice: consumers are idempotent.
  totes dlq purge <queue> [--yes]
      Deletes every message of a dead-letter queue, after asking.
  totes status [--json] [--max-lag S] [--max-dlq N]
      Per table and model: the last run, what changed, the lag; the inbox's files per table (on an
      inbox-only platform, or once it has seen a file); the depth of every queue. Exits 1 when a lag
      or a dead-letter queue passes its threshold, an inbox file is quarantined, or when the queues,
      the warehouse or a source table cannot be read; --json then still prints a whole document.
  totes dashboard [--port N] [--stage NAME]
      Serves the live dashboard on 127.0.0.1 (a free port, or TOTES_DASHBOARD_PORT): sales, purchases,
      payments and the platform's health, updated as loads complete. Reads the warehouse that
      TOTES_WAREHOUSE_URL names, or that of the platform \`pnpm start\` runs here; \`pnpm start\` serves
      it too and prints its address.
  totes lake adopt --yes
      Makes the lake (TOTES_LAKE_URL) and the warehouse's state share one platform instance id, after
      a start refused the lake as another platform's (LAKE_IDENTITY_MISMATCH). The lake's id wins
      when it has one. Only right when the lake truly holds this source's rows; otherwise point
      TOTES_LAKE_URL at a new, empty lake and the platform rebuilds it from the source.
  totes inbox put <file>… --table <table>
      Copies files (.csv, .jsonl, .ndjson, .parquet; each may be .gz or .zst) into the inbox under the
      table's folder, each whole. The running platform reads them on its next detection cycle;
      \`totes run --once\` reads every file present.
  totes inbox list [--json]
      Every file the inbox has seen: its state (discovered, claimed, loaded, quarantined), rows read
      and loaded, bytes, timings, and why a file was quarantined.
  totes inbox show <file> [--json]
      One file (its key, as design/a.csv, or its path in the inbox), every version: state, rows read,
      loaded and rejected, why, and its rejected rows: line or row, column, reason, raw record.
  totes inbox replay <file>|--quarantined [--policy fail|skip[:rate]]
      Has a quarantined file (or every one) read again on the next cycle, under --policy when given
      (skip:5% loads the good rows when at most 5% are bad). Bytes already loaded load no row twice.
  totes help

  The dlq and status commands act on the platform that \`pnpm start\` runs on this machine, or, with
  --stage NAME, on that stage's resources on AWS. <queue> is a name from \`totes dlq list\`.

Environment:
  TOTES_SOURCE_URL      totesys (read only). Default: the embedded Postgres, seeded on first start.
                        none: no source database; the platform reads its inbox alone.
  TOTES_WAREHOUSE_URL   the warehouse. Default: the embedded Postgres.
  TOTES_LAKE_URL        s3://bucket/prefix or a folder. Default: .totes/lake
  TOTES_INBOX_URL       s3://bucket/prefix or a folder where files of a table's rows are dropped, as
                        <inbox>/<table>/<name>.csv|jsonl|parquet[.gz|.zst]. Default: .totes/inbox
  TOTES_INBOX_POLICY    per-table overrides of the model's bad-row policies for inbox files, as
                        sales_order=skip:1%,payment=fail. Default: fail on the first bad row.
  TOTES_INBOX_BATCH_FILES, TOTES_INBOX_BATCH_MIB  how many files, and MiB, of one table one claim
                        reads into one extraction. Default: 1000 files, 64 MiB.
  TOTES_INBOX_PIECE_MIB the size of the pieces a larger plain CSV or JSON Lines file is cut into,
                        each extracted in parallel. Default: 64.
  TOTES_STATE_DIR       where the local stack keeps its state. Default: .totes
  TOTES_DELETE_CHECK_INTERVAL_MS  how often each table's keys are reconciled with the lake to find
                        deleted rows. Default: 600000 (10 minutes); 0 turns it off.
  TOTES_LOAD_PARALLELISM  how many transactions load the parts of one large dataset at once.
                        Default: 2
  TOTES_DASHBOARD_PORT  the dashboard's port on 127.0.0.1. Default: a free port.
  TOTES_STAGE           names topics and queues. Default: local
  AWS_ENDPOINT_URL      SNS/SQS/S3 endpoint; unset runs fauxqs in process.
`;

const options = {
  once: { type: 'boolean' },
  'check-deletes': { type: 'boolean' },
  'mutate-deletes': { type: 'boolean' },
  interval: { type: 'string' },
  mutate: { type: 'string' },
  scale: { type: 'string' },
  seed: { type: 'string' },
  timeout: { type: 'string' },
  stage: { type: 'string' },
  json: { type: 'boolean' },
  filter: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  limit: { type: 'string' },
  yes: { type: 'boolean' },
  'max-lag': { type: 'string' },
  'max-dlq': { type: 'string' },
  service: { type: 'string', multiple: true },
  table: { type: 'string' },
  'visibility-timeout': { type: 'string' },
  'claim-lease': { type: 'string' },
  port: { type: 'string' },
  quarantined: { type: 'boolean' },
  policy: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs the `totes` command with these arguments; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    // `pnpm start -- --flag` passes the `--` on; `--mutate` may stand alone: give it its default before parsing.
    const given = argv.filter((arg) => arg !== '--');
    const args = given.map((arg, index) =>
      arg === '--mutate' && (given[index + 1] ?? '--').startsWith('--') ? '--mutate=2000' : arg,
    );
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    const [command = 'help'] = positionals;
    const seed = numberOption('--seed', values.seed, 1);
    const scale = numberOption('--scale', values.scale, 1);
    if (values.help || command === 'help') {
      process.stdout.write(usage);
      return 0;
    }
    if (command === 'start') {
      await start({
        seed,
        scale,
        intervalMs: numberOption('--interval', values.interval, 1000),
        mutateEveryMs:
          values.mutate === undefined ? undefined : numberOption('--mutate', values.mutate, 2000),
        mutateDeletes: values['mutate-deletes'] ?? false,
      });
      return 0;
    }
    if (command === 'run') {
      if (!values.once)
        throw new CliError(
          CliErrorCode.usage,
          '`totes run` needs --once (use `totes start` to run continuously)',
        );
      await runOnce({
        seed,
        scale,
        timeoutMs: numberOption('--timeout', values.timeout, 600) * 1000,
        checkDeletes: values['check-deletes'] ?? false,
      });
      return 0;
    }
    if (command === 'serve') {
      await serve({
        services: values.service ?? [],
        intervalMs:
          values.interval === undefined ? undefined : numberOption('--interval', values.interval, 1000),
        visibilityTimeoutSeconds:
          values['visibility-timeout'] === undefined
            ? undefined
            : numberOption('--visibility-timeout', values['visibility-timeout'], 30),
        claimLeaseMs:
          values['claim-lease'] === undefined
            ? undefined
            : numberOption('--claim-lease', values['claim-lease'], 300) * 1000,
      });
      return 0;
    }
    if (command === 'verify') return await verify({ seed, scale });
    if (command === 'dashboard')
      return await dashboard({
        stage: values.stage,
        port: values.port === undefined ? undefined : numberOption('--port', values.port, 0),
      });
    if (command === 'lake') return await lake({ action: positionals[1], yes: values.yes ?? false });
    if (command === 'dlq') {
      return await dlq({
        action: positionals[1],
        queue: positionals[2],
        stage: values.stage,
        json: values.json ?? false,
        filters: values.filter ?? [],
        dryRun: values['dry-run'] ?? false,
        limit: numberOption('--limit', values.limit, Number.MAX_SAFE_INTEGER),
        yes: values.yes ?? false,
      });
    }
    if (command === 'inbox')
      return await inbox({
        action: positionals[1],
        files: positionals.slice(2),
        table: values.table,
        json: values.json ?? false,
        quarantined: values.quarantined ?? false,
        policy: values.policy,
      });
    if (command === 'status') {
      return await status({
        stage: values.stage,
        json: values.json ?? false,
        maxLagSeconds: numberOption('--max-lag', values['max-lag'], defaultStatusThresholds.maxLagSeconds),
        maxDeadLetters: Number(values['max-dlq'] ?? defaultStatusThresholds.maxDeadLetters),
      });
    }
    throw new CliError(CliErrorCode.usage, `unknown command "${command}"`);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`totes: ${redactSecrets(message)}\n`);
    if (error instanceof CliError && error.code === CliErrorCode.usage) process.stderr.write(`\n${usage}`);
    return error instanceof CliError && error.code === CliErrorCode.usage ? 2 : 1;
  }
}

function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new CliError(CliErrorCode.usage, `${name} must be a positive number, got "${value}"`);
  return number;
}
