import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalAws, startTestPostgres } from '@totes/local-stack';
import { sourceTableNames } from '@totes/model';
import {
  createLogger,
  createPool,
  defaultInboxBatch,
  type LogLevel,
  loadConfig,
  noSourceUrl,
  type PlatformConfig,
} from '@totes/runtime';
import { seedTotesys } from '@totes/totesys';
import pg from 'pg';
import { type Platform, startPlatform } from '../src/platform';
import { createRunTracker } from '../src/run-tracker';
import { waitForDrain } from '../src/wait-for-drain';

/** A whole platform over embedded Postgres, fauxqs and a temporary lake folder, for one test file. */
export interface TestPlatform {
  readonly platform: Platform;
  readonly config: PlatformConfig;
  readonly tracker: ReturnType<typeof createRunTracker>;
  readonly source: pg.Pool;
  /** totesys's URL, read-write, even on an inbox-only platform: for a second platform to read it. */
  readonly sourceUrl: string;
  readonly warehouse: pg.Pool;
  readonly logLines: string[];
  /** The fauxqs endpoint, for tests that talk to SNS and SQS themselves. */
  readonly awsEndpoint: string;
  /** The platform's inbox, a temporary folder (unused when the inbox is on S3: see `config.inboxUrl`). */
  readonly inboxDir: string;
  /**
   * One detection cycle, waited on until every message it caused is handled; returns its runId. `checkDeletes`
   * asks for every table's delete check in the cycle.
   */
  runOnce(options?: { checkDeletes?: boolean }): Promise<string>;
  dispose(): Promise<void>;
}

export async function startTestPlatform(options: {
  scale: number;
  seed?: number;
  visibilityTimeoutSeconds?: number;
  /** Reads totesys as a role that may only SELECT the 11 tables, as a real deployment should. */
  selectOnlySource?: boolean;
  /** The Postgres superuser's password (in the warehouse URL, and the source URL unless select-only). */
  postgresPassword?: string;
  /** The select-only role's password, in the source URL. */
  readerPassword?: string;
  /** Log lines at this level and above are captured; by default TOTES_LOG_LEVEL, or info. */
  logLevel?: LogLevel;
  /**
   * No source database (`TOTES_SOURCE_URL=none`): the platform reads its inbox alone. totesys is still seeded, for
   * the test to export files from and to verify against.
   */
  inboxOnly?: boolean;
  /** Per-table inbox policies, as `TOTES_INBOX_POLICY` gives them: `design=skip:34%`. */
  inboxPolicy?: string;
  /** The inbox on S3 (fauxqs), `s3://totes-test-inbox/inbox`, as on AWS, instead of a folder. */
  inboxOnS3?: boolean;
  /** The size of the pieces a larger plain CSV or JSON Lines file is read in; 64 MiB by default. */
  inboxPieceBytes?: number;
}): Promise<TestPlatform> {
  const postgres = await startTestPostgres(
    options.postgresPassword ? { password: options.postgresPassword } : {},
  );
  await postgres.ensureDatabase('totesys');
  await postgres.ensureDatabase('warehouse');
  await seedTotesys(postgres.url('totesys'), { seed: options.seed ?? 7, scale: options.scale });
  const aws = await startLocalAws();
  if (options.inboxOnS3) aws.createBucket(s3InboxBucket);
  const lakeDir = await mkdtemp(join(tmpdir(), 'totes-lake-'));
  const inboxDir = await mkdtemp(join(tmpdir(), 'totes-inbox-'));
  const sourceUrl = options.selectOnlySource
    ? await createSelectOnlyRole(postgres.url('totesys'), options.readerPassword ?? 'reader-secret')
    : postgres.url('totesys');
  const config = loadConfig(options.inboxPolicy ? { TOTES_INBOX_POLICY: options.inboxPolicy } : {}, {
    sourceUrl: options.inboxOnly ? noSourceUrl : sourceUrl,
    warehouseUrl: postgres.url('warehouse'),
    lakeUrl: lakeDir,
    inboxUrl: options.inboxOnS3 ? `s3://${s3InboxBucket}/inbox` : inboxDir,
    stage: 'test',
    ...(options.inboxPieceBytes
      ? { inboxBatch: { ...defaultInboxBatch, pieceBytes: options.inboxPieceBytes } }
      : {}),
  });
  const logLines: string[] = [];
  const tracker = createRunTracker();
  const platform = await startPlatform({
    config,
    awsEndpoint: aws.endpoint,
    logger: createLogger(
      {},
      { ...(options.logLevel ? { level: options.logLevel } : {}), write: (line) => logLines.push(line) },
    ),
    events: tracker.events,
    freshQueues: true,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
  });
  // The tests' own handle on totesys may write, whatever role the platform reads with.
  const source = createPool(postgres.url('totesys'));
  const warehouse = createPool(config.warehouseUrl);
  return {
    platform,
    config,
    tracker,
    source,
    sourceUrl: postgres.url('totesys'),
    warehouse,
    logLines,
    awsEndpoint: aws.endpoint,
    inboxDir,
    async runOnce(detection = {}) {
      const { runId } = await platform.detectOnce(detection);
      await waitForDrain(platform, { timeoutMs: 60_000 });
      return runId;
    },
    async dispose() {
      await platform.stop();
      await Promise.all([source.end(), warehouse.end()]);
      await aws.stop();
      await postgres.dispose();
      await rm(lakeDir, { recursive: true, force: true });
      await rm(inboxDir, { recursive: true, force: true });
    },
  };
}

/** The bucket of a test platform's inbox on S3. */
const s3InboxBucket = 'totes-test-inbox';

/** A login role with SELECT on the totesys tables and nothing else; returns its connection URL. */
async function createSelectOnlyRole(superuserUrl: string, password: string): Promise<string> {
  const admin = createPool(superuserUrl);
  try {
    await admin.query(`CREATE ROLE totes_reader LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    await admin.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
    await admin.query('GRANT USAGE ON SCHEMA public TO totes_reader');
    await admin.query(
      `GRANT SELECT ON ${sourceTableNames.map((table) => `"${table}"`).join(', ')} TO totes_reader`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(superuserUrl);
  url.username = 'totes_reader';
  url.password = password;
  return url.toString();
}
