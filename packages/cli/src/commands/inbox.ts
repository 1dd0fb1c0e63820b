import {
  createAwsClients,
  createInboxLedger,
  createInboxStore,
  createPool,
  defaultInboxUrl,
} from '@totes/runtime';
import type pg from 'pg';
import { CliError, CliErrorCode } from '../errors';
import {
  formatInboxList,
  formatInboxShow,
  formatReplayed,
  inboxKeyOf,
  putInboxFiles,
  replayInboxFiles,
  showInboxFile,
} from '../ops/inbox';
import { readPlatformFile } from '../ops/platform-file';
import { openEnvironment, stateDirOf } from '../stack';

export interface InboxOptions {
  action: string | undefined;
  files: readonly string[];
  table: string | undefined;
  json: boolean;
  /** `replay --quarantined`: every quarantined file. */
  quarantined: boolean;
  /** `replay --policy skip:5%`: the policy the replayed files are read under, over their table's. */
  policy: string | undefined;
}

const write = (text: string) => process.stdout.write(`${text}\n`);

/**
 * `totes inbox put <file>… --table <t> | list [--json] | show <file> [--json] | replay <file>|--quarantined
 * [--policy p]`: drops files into the inbox of the platform running on this machine (or the one env names:
 * TOTES_INBOX_URL, TOTES_WAREHOUSE_URL, AWS_ENDPOINT_URL), shows every file it has seen or one with its rejected
 * rows, and has quarantined files read again.
 */
export async function inbox(options: InboxOptions): Promise<number> {
  const running = await readPlatformFile(stateDirOf());
  const inboxUrl = running?.inboxUrl ?? process.env.TOTES_INBOX_URL ?? defaultInboxUrl();
  const { sqs, sns, s3 } = createAwsClients({
    region: running?.region ?? process.env.AWS_REGION ?? 'us-east-1',
    endpoint: running?.awsEndpoint,
  });
  sqs.destroy();
  sns.destroy();
  try {
    const store = createInboxStore(inboxUrl, { s3Client: s3 });
    if (options.action === 'put') {
      for (const file of await putInboxFiles(store, options.table, options.files))
        write(`put ${file.path} → ${store.describe()}/${file.key}`);
      return 0;
    }
    if (options.action === 'list' || options.action === undefined) {
      const entries = await withWarehouse(running?.warehouseUrl, (pool) => ledgerOf(pool).list());
      write(options.json ? JSON.stringify(entries, null, 2) : formatInboxList(entries, store.describe()));
      return 0;
    }
    const key = options.files[0] === undefined ? undefined : inboxKeyOf(options.files[0], inboxUrl);
    if (options.action === 'show') {
      if (key === undefined) throw new CliError(CliErrorCode.usage, 'totes inbox show needs a file');
      const shown = await withWarehouse(running?.warehouseUrl, (pool) => showInboxFile(ledgerOf(pool), key));
      write(options.json ? JSON.stringify(shown, null, 2) : formatInboxShow(shown));
      return 0;
    }
    if (options.action === 'replay') {
      const target = { key, quarantined: options.quarantined };
      const done = await withWarehouse(
        running?.warehouseUrl,
        (pool) => replayInboxFiles(ledgerOf(pool), target, options.policy),
        { readOnly: false },
      );
      write(formatReplayed(done, options.policy));
      return 0;
    }
    throw new CliError(
      CliErrorCode.usage,
      `unknown inbox action "${options.action}": use put, list, show or replay`,
    );
  } finally {
    s3.destroy();
  }
}

const ledgerOf = (pool: pg.Pool) => createInboxLedger(pool, process.env.TOTES_STATE_SCHEMA ?? 'totes');

/**
 * Reads the warehouse of the running platform, or the one env names; with neither, boots the embedded one in the
 * state folder (as `totes verify` does) and stops it after.
 */
async function withWarehouse<T>(
  runningUrl: string | undefined,
  read: (pool: pg.Pool) => Promise<T>,
  { readOnly } = { readOnly: true },
): Promise<T> {
  const named = runningUrl ?? process.env.TOTES_WAREHOUSE_URL;
  const environment = named ? undefined : await openEnvironment({ seed: 1, scale: 1, seedIfEmpty: false });
  const pool = createPool(named ?? environment?.config.warehouseUrl ?? '', {
    readOnly,
    applicationName: 'totes-inbox',
  });
  try {
    return await read(pool);
  } finally {
    await pool.end();
    await environment?.stack.stop();
  }
}
