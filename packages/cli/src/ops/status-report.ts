import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Watermark } from '@totes/contracts';
import { sourceTableNames, sourceTables, warehouseModels } from '@totes/model';
import {
  createPool,
  createRunLedger,
  createSchemaDriftStore,
  findPendingChanges,
  noSourceUrl,
  redactSecrets,
} from '@totes/runtime';
import pg from 'pg';
import { findStageQueues, queueDepth } from './queues';

/** One source table: how far the warehouse is behind it. */
export interface TableStatus {
  readonly table: string;
  /** Up to here, every row of the table is in the warehouse. */
  readonly consistentUpTo: Watermark | null;
  /** Rows the source holds past that point: changes not in the warehouse yet; null when the source cannot be read. */
  readonly pendingRows: number | null;
  /**
   * Rows whose `last_updated` is after the source's own clock (a skewed writer, a bad import): loaded, but the
   * watermark stays below them until the clock passes them. Not counted in `pendingRows`; null when unknown.
   */
  readonly futureRows: number | null;
  /** Seconds since the oldest change not in the warehouse was made; 0 when none is pending, null when unknown. */
  readonly lagSeconds: number | null;
  /** Why the table could not be read from the source (no privilege, no such table, unreachable), or null. */
  readonly sourceError: string | null;
  readonly lastRun: { readonly runId: string; readonly startedAt: string; readonly rows: number } | null;
  /** Set when a column was dropped or retyped in the source: the table is stopped until its schema is fixed. */
  readonly schemaDrift: { readonly problem: string; readonly since: string } | null;
}

/** What the source says of one table: how far the warehouse is behind it, or why that is not known. */
type SourceLag = Pick<TableStatus, 'pendingRows' | 'futureRows' | 'lagSeconds' | 'sourceError'>;

/** One warehouse model: its last load. */
export interface ModelStatus {
  readonly model: string;
  readonly lastLoadedAt: string | null;
  readonly lastRowsWritten: number | null;
  readonly loads: number;
  /** The source table whose change caused the last load, and the run it belonged to. */
  readonly lastCause: { readonly table: string; readonly runId: string } | null;
}

/** One table's files in the inbox (`totes inbox list` shows each file). */
export interface InboxTableStatus {
  /** The table the files' folder names; null for files under a folder that names no table. */
  readonly table: string | null;
  readonly loaded: number;
  /** Quarantined file versions that no later version of the same file has replaced. */
  readonly quarantined: number;
  /** Files found and not finished yet: discovered, or claimed and being read. */
  readonly inFlight: number;
  /** Rows loaded from the table's files. */
  readonly rows: number;
  /** The file loaded last, and when. */
  readonly lastLoaded: { readonly key: string; readonly at: string } | null;
  /** The file quarantined last, for the alert's `totes inbox show`; null when none is. */
  readonly lastQuarantined: string | null;
}

/** The depth of a queue and of its dead-letter queue. */
export interface QueueStatus {
  readonly queue: string;
  readonly depth: number;
  readonly deadLetterQueue: string;
  readonly deadLetters: number;
}

/** What `totes status` reports. */
export interface StatusReport {
  readonly stage: string;
  readonly tables: readonly TableStatus[] | null;
  readonly models: readonly ModelStatus[] | null;
  /** Every queue's depth; null when the queues cannot be read (see `queuesError`). */
  readonly queues: readonly QueueStatus[] | null;
  /** Why the queues could not be found or read (no platform running, a wrong stage, no endpoint), when they could not. */
  readonly queuesError?: string;
  /**
   * The inbox's files per table, on a platform with no source database or whose inbox has seen files; absent or
   * null otherwise.
   */
  readonly inbox?: readonly InboxTableStatus[] | null;
  /** Why the tables and models are missing, when they are. */
  readonly note?: string;
  /** Why the warehouse (the run ledger, the loads) could not be read, when it could not. */
  readonly warehouseError?: string;
}

/** Where `totes status` looks. */
export interface StatusSources {
  readonly sqs: SQSClient;
  readonly stage: string;
  readonly sourceUrl: string | undefined;
  readonly warehouseUrl: string | undefined;
  readonly stateSchema: string;
}

/**
 * Reads the queues of a stage, and, when the databases are known, the run ledger and the source. Each part that
 * cannot be reached is reported with why, beside the parts that can: a report always comes back.
 */
export async function readStatus(options: StatusSources): Promise<StatusReport> {
  const [databases, queues] = await Promise.all([
    readDatabases(options),
    readQueues(options.sqs, options.stage),
  ]);
  return { stage: options.stage, ...databases, ...queues };
}

/** The depth of every queue and dead-letter queue, or why they cannot be read. */
async function readQueues(
  sqs: SQSClient,
  stage: string,
): Promise<Pick<StatusReport, 'queues' | 'queuesError'>> {
  try {
    const queues: QueueStatus[] = [];
    for (const queue of await findStageQueues(sqs, stage)) {
      queues.push({
        queue: queue.spec.name,
        depth: await queueDepth(sqs, queue.url),
        deadLetterQueue: queue.spec.deadLetterQueue,
        deadLetters: await queueDepth(sqs, queue.deadLetterUrl),
      });
    }
    return { queues };
  } catch (error) {
    return { queues: null, queuesError: redactSecrets((error as Error).message) };
  }
}

type DatabaseStatus = Pick<StatusReport, 'tables' | 'models' | 'inbox' | 'note' | 'warehouseError'>;

/**
 * Every table's lag, every model's last load and the inbox's files, or why they cannot be read. A platform with no
 * source database has no tables to show: its inbox stands in for them.
 */
async function readDatabases(options: StatusSources): Promise<DatabaseStatus> {
  if (!options.sourceUrl || !options.warehouseUrl) {
    const missing = [
      ...(options.sourceUrl ? [] : ['TOTES_SOURCE_URL']),
      ...(options.warehouseUrl ? [] : ['TOTES_WAREHOUSE_URL']),
    ];
    return { tables: null, models: null, note: `set ${missing.join(' and ')} to see tables and models` };
  }
  const inboxOnly = options.sourceUrl === noSourceUrl;
  const source = inboxOnly
    ? null
    : createPool(options.sourceUrl, { readOnly: true, max: 2, applicationName: 'totes-status' });
  const warehouse = createPool(options.warehouseUrl, { max: 2, applicationName: 'totes-status' });
  const cannotRead = (warehouseError: string): DatabaseStatus => ({
    tables: null,
    models: null,
    note: `cannot read the warehouse: ${warehouseError}`,
    warehouseError,
  });
  try {
    const warehouseError = await unreadable(warehouse);
    if (warehouseError) return cannotRead(warehouseError);
    const inbox = await readInbox(warehouse, options.stateSchema);
    return {
      tables: source ? await readTables(source, warehouse, options.stateSchema) : null,
      models: await readModels(warehouse, options.stateSchema),
      inbox: inboxOnly || inbox.length > 0 ? inbox : null,
      ...(inboxOnly
        ? { note: 'no source database (TOTES_SOURCE_URL=none): the inbox is the only source' }
        : {}),
    };
  } catch (error) {
    // A warehouse that answers but has no run ledger (the platform never ran on it) cannot say more either.
    return cannotRead(redactSecrets((error as Error).message));
  } finally {
    await Promise.all([source?.end(), warehouse.end()]);
  }
}

/** The inbox ledger summed up per table, tables in name order and files under no table last. */
async function readInbox(warehouse: pg.Pool, stateSchema: string): Promise<InboxTableStatus[]> {
  const s = pg.escapeIdentifier(stateSchema);
  const { rows } = await warehouse.query<{
    table_name: string | null;
    loaded: number;
    quarantined: number;
    in_flight: number;
    rows: number;
    last_loaded: string | null;
    last_loaded_at: Date | null;
    last_quarantined: string | null;
  }>(
    `SELECT table_name,
       count(*) FILTER (WHERE state = 'loaded')::integer AS loaded,
       count(*) FILTER (WHERE state = 'quarantined' AND NOT superseded)::integer AS quarantined,
       count(*) FILTER (WHERE state IN ('discovered', 'claimed'))::integer AS in_flight,
       coalesce(sum(rows_loaded) FILTER (WHERE state = 'loaded'), 0)::float8 AS rows,
       (array_agg(file_key ORDER BY finished_at DESC) FILTER (WHERE state = 'loaded'))[1] AS last_loaded,
       max(finished_at) FILTER (WHERE state = 'loaded') AS last_loaded_at,
       (array_agg(file_key ORDER BY finished_at DESC) FILTER (WHERE state = 'quarantined' AND NOT superseded))[1]
         AS last_quarantined
     FROM (
       -- A quarantined version that a later version of the same file has replaced (fixed and dropped again) is
       -- history, not something to act on: it stays in the ledger but raises no alert.
       SELECT f.*, EXISTS (
         SELECT 1 FROM ${s}.inbox_file later
         WHERE later.file_key = f.file_key AND later.discovered_at > f.discovered_at AND later.state <> 'quarantined'
       ) AS superseded
       FROM ${s}.inbox_file f
     ) AS versions
     GROUP BY table_name ORDER BY table_name NULLS LAST`,
  );
  return rows.map((row) => ({
    table: row.table_name,
    loaded: row.loaded,
    quarantined: row.quarantined,
    inFlight: row.in_flight,
    rows: row.rows,
    lastLoaded:
      row.last_loaded && row.last_loaded_at
        ? { key: row.last_loaded, at: row.last_loaded_at.toISOString() }
        : null,
    lastQuarantined: row.last_quarantined,
  }));
}

async function readTables(source: pg.Pool, warehouse: pg.Pool, stateSchema: string): Promise<TableStatus[]> {
  // Asked once: a source that cannot be reached at all would otherwise time out once per table.
  const sourceError = await unreadable(source);
  const s = pg.escapeIdentifier(stateSchema);
  const consistent = await createRunLedger(warehouse, stateSchema, sourceTableNames).consistentWatermarks();
  const drifts = await createSchemaDriftStore(warehouse, stateSchema).list();
  const tables: TableStatus[] = [];
  for (const table of sourceTables) {
    const drift = drifts.find((entry) => entry.table === table.name);
    const upTo = consistent.find((entry) => entry.table === table.name)?.watermark ?? null;
    const behind = sourceError ? unknownLag(sourceError) : await sourceLag(source, table, upTo);
    const run = await warehouse.query<{ run_id: string; started_at: Date; rows: number }>(
      `SELECT r.run_id, r.started_at, coalesce(sum(e.rows), 0)::integer AS rows FROM ${s}.run r
       LEFT JOIN ${s}.extraction e ON e.run_id = r.run_id AND e.table_name = $1
       WHERE $1 = ANY (r.tables) GROUP BY r.run_id, r.started_at ORDER BY r.started_at DESC LIMIT 1`,
      [table.name],
    );
    const last = run.rows[0];
    tables.push({
      table: table.name,
      consistentUpTo: upTo,
      ...behind,
      lastRun: last
        ? { runId: last.run_id, startedAt: last.started_at.toISOString(), rows: last.rows }
        : null,
      schemaDrift: drift ? { problem: drift.problem, since: drift.detectedAt.toISOString() } : null,
    });
  }
  return tables;
}

async function readModels(warehouse: pg.Pool, stateSchema: string): Promise<ModelStatus[]> {
  const loads = await warehouse.query<{
    model: string;
    last: Date;
    written: number;
    loads: number;
    cause: string;
    run: string;
  }>(
    `SELECT DISTINCT ON (model) model, loaded_at AS last, rows_written AS written, source_table AS cause,
       run_id::text AS run, count(*) OVER (PARTITION BY model)::integer AS loads
     FROM ${pg.escapeIdentifier(stateSchema)}.load_ledger ORDER BY model, loaded_at DESC`,
  );
  return warehouseModels.map((model) => {
    const row = loads.rows.find((entry) => entry.model === model.name);
    return {
      model: model.name,
      lastLoadedAt: row ? row.last.toISOString() : null,
      lastRowsWritten: row?.written ?? null,
      loads: row?.loads ?? 0,
      lastCause: row ? { table: row.cause, runId: row.run } : null,
    };
  });
}

/**
 * How far the warehouse is behind one source table. A table the source will not give (no privilege, dropped,
 * unreachable) is reported with its error, so the rest of the report still reaches the operator.
 */
async function sourceLag(
  source: pg.Pool,
  table: (typeof sourceTables)[number],
  upTo: Watermark | null,
): Promise<SourceLag> {
  try {
    // The margin only sets the detector's cap, which status does not use.
    const pending = await findPendingChanges(source, table, upTo, null, 0);
    const futureRows = pending.futureRows;
    const pendingRows = Math.max(0, pending.rows - futureRows);
    if (pendingRows === 0) return { pendingRows: 0, futureRows, lagSeconds: 0, sourceError: null };
    const cursor = pg.escapeIdentifier(table.cursor);
    const lag = await source.query<{ seconds: number | null }>(
      `SELECT extract(epoch FROM localtimestamp - min(${cursor}))::float AS seconds
       FROM ${pg.escapeIdentifier(table.name)}
       WHERE ${upTo ? `(${cursor}, ${pg.escapeIdentifier(table.primaryKey)}) > ($1::timestamp, $2::integer)` : 'TRUE'}`,
      upTo ? [upTo.lastUpdated, upTo.id] : [],
    );
    return {
      pendingRows,
      futureRows,
      lagSeconds: Math.max(0, Math.round(lag.rows[0]?.seconds ?? 0)),
      sourceError: null,
    };
  } catch (error) {
    return unknownLag(redactSecrets((error as Error).message));
  }
}

function unknownLag(sourceError: string): SourceLag {
  return { pendingRows: null, futureRows: null, lagSeconds: null, sourceError };
}

/** Why a database cannot be read, or null when it can. */
function unreadable(pool: pg.Pool): Promise<string | null> {
  return pool.query('SELECT 1').then(
    () => null,
    (error: Error) => redactSecrets(error.message),
  );
}

/** The report as a person reads it. */
export function formatStatus(report: StatusReport): string {
  const lines = [`status of stage ${report.stage}`];
  if (report.tables) {
    lines.push('', 'source tables              consistent up to            pending   lag s  last run');
    for (const t of report.tables) {
      const upTo = t.consistentUpTo
        ? `${t.consistentUpTo.lastUpdated} #${t.consistentUpTo.id}`
        : '(nothing yet)';
      const run = t.lastRun ? `${t.lastRun.startedAt} (${t.lastRun.rows} rows)` : '-';
      lines.push(
        `  ${t.table.padEnd(24)} ${upTo.padEnd(28)} ${String(t.pendingRows ?? '?').padStart(7)} ${String(t.lagSeconds ?? '?').padStart(7)}  ${run}`,
      );
      if (t.sourceError) lines.push(`    CANNOT READ THE SOURCE: ${t.sourceError}`);
      if (t.schemaDrift) lines.push(`    STOPPED since ${t.schemaDrift.since}: ${t.schemaDrift.problem}`);
      if (t.futureRows) lines.push(`    STAMPED IN THE FUTURE: ${futureRowsAlert(t.table, t.futureRows)}`);
    }
  }
  if (report.models) {
    lines.push('', 'models                     last load                  rows written   loads');
    for (const m of report.models) {
      lines.push(
        `  ${m.model.padEnd(24)} ${(m.lastLoadedAt ?? '-').padEnd(26)} ${String(m.lastRowsWritten ?? '-').padStart(12)} ${String(m.loads).padStart(7)}`,
      );
    }
  }
  if (report.inbox) lines.push(...formatInbox(report.inbox));
  lines.push('', 'queues                     depth   dead-lettered');
  if (report.queuesError) lines.push(`  CANNOT READ THE QUEUES: ${report.queuesError}`);
  for (const q of report.queues ?? [])
    lines.push(
      `  ${q.queue.padEnd(24)} ${String(q.depth).padStart(6)} ${String(q.deadLetters).padStart(15)}`,
    );
  if (report.note) lines.push('', `note: ${report.note}`);
  return lines.join('\n');
}

/** The inbox section of the report: one line per table, and what quarantined each table's files. */
function formatInbox(inbox: readonly InboxTableStatus[]): string[] {
  const lines = ['', 'inbox files                loaded  quarantined  in flight         rows  last loaded'];
  if (inbox.length === 0) lines.push('  (no file yet)');
  for (const i of inbox) {
    const last = i.lastLoaded ? `${i.lastLoaded.key} at ${i.lastLoaded.at}` : '-';
    lines.push(
      `  ${(i.table ?? '(no table)').padEnd(24)} ${String(i.loaded).padStart(6)} ${String(i.quarantined).padStart(12)} ${String(i.inFlight).padStart(10)} ${String(i.rows).padStart(12)}  ${last}`,
    );
    if (i.lastQuarantined) lines.push(`    QUARANTINED: ${quarantineAlert(i)}`);
  }
  return lines;
}

/** What status says of a table with quarantined inbox files: how many, and the command that shows the last. */
function quarantineAlert(inbox: InboxTableStatus): string {
  const files = `${inbox.quarantined} inbox file${inbox.quarantined === 1 ? '' : 's'}`;
  return `${files} of ${inbox.table ?? 'no table'} quarantined, the last ${inbox.lastQuarantined}: \`totes inbox show ${inbox.lastQuarantined}\``;
}

/** What status says of a table with rows stamped after the source's clock. */
function futureRowsAlert(table: string, rows: number): string {
  return `${table} has ${rows} row(s) with last_updated after the source's clock: loaded, but re-read whenever they change until the clock passes them; a writer's clock or an import is wrong`;
}

/** The thresholds `totes status` alerts at unless told otherwise: 300 s of lag, any dead letter. */
export const defaultStatusThresholds = { maxLagSeconds: 300, maxDeadLetters: 0 } as const;

/** Why the report should raise an alert, if it should. */
export function alertsOf(
  report: StatusReport,
  thresholds: { maxLagSeconds: number; maxDeadLetters: number },
): string[] {
  const alerts: string[] = [];
  if (report.queuesError) alerts.push(`the queues cannot be read: ${report.queuesError}`);
  if (report.warehouseError) alerts.push(`the warehouse cannot be read: ${report.warehouseError}`);
  for (const t of report.tables ?? []) {
    if (t.schemaDrift) alerts.push(`${t.table} is stopped by schema drift: ${t.schemaDrift.problem}`);
    if (t.sourceError) alerts.push(`${t.table} cannot be read from the source: ${t.sourceError}`);
    if (t.futureRows) alerts.push(futureRowsAlert(t.table, t.futureRows));
    if (t.lagSeconds !== null && t.lagSeconds > thresholds.maxLagSeconds)
      alerts.push(`${t.table} is ${t.lagSeconds} s behind (threshold ${thresholds.maxLagSeconds} s)`);
  }
  for (const i of report.inbox ?? []) if (i.lastQuarantined) alerts.push(quarantineAlert(i));
  for (const q of report.queues ?? []) {
    if (q.deadLetters > thresholds.maxDeadLetters)
      alerts.push(
        `${q.deadLetterQueue} holds ${q.deadLetters} message(s) (threshold ${thresholds.maxDeadLetters})`,
      );
  }
  return alerts;
}
