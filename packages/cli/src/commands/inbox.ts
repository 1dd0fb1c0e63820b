import {
  createAwsClients,
  createInboxLedger,
  createInboxStore,
  createPool,
  defaultInboxUrl,
} from '@totes/runtime';
import type pg from 'pg';
import { CliError, CliErrorCode } from '../errors';
import { formatInboxList, putInboxFiles } from '../ops/inbox';
import { readPlatformFile } from '../ops/platform-file';
import { openEnvironment, stateDirOf } from '../stack';

export interface InboxOptions {
  action: string | undefined;
  files: readonly string[];
  table: string | undefined;
  json: boolean;
}

const write = (text: string) => process.stdout.write(`${text}\n`);

/**
 * `totes inbox put <file>… --table <t> | list [--json]`: drops files into the inbox of the platform running on this
 * machine (or the one env names: TOTES_INBOX_URL, TOTES_WAREHOUSE_URL, AWS_ENDPOINT_URL), and shows every file it
 * has seen.
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
      const entries = await withWarehouse(running?.warehouseUrl, (pool) =>
        createInboxLedger(pool, process.env.TOTES_STATE_SCHEMA ?? 'totes').list(),
      );
      write(options.json ? JSON.stringify(entries, null, 2) : formatInboxList(entries, store.describe()));
      return 0;
    }
    throw new CliError(CliErrorCode.usage, `unknown inbox action "${options.action}": use put or list`);
  } finally {
    s3.destroy();
  }
}

/**
 * Reads the warehouse of the running platform, or the one env names; with neither, boots the embedded one in the
 * state folder (as `totes verify` does) and stops it after.
 */
async function withWarehouse<T>(
  runningUrl: string | undefined,
  read: (pool: pg.Pool) => Promise<T>,
): Promise<T> {
  const named = runningUrl ?? process.env.TOTES_WAREHOUSE_URL;
  const environment = named ? undefined : await openEnvironment({ seed: 1, scale: 1, seedIfEmpty: false });
  const pool = createPool(named ?? environment?.config.warehouseUrl ?? '', {
    readOnly: true,
    applicationName: 'totes-inbox',
  });
  try {
    return await read(pool);
  } finally {
    await pool.end();
    await environment?.stack.stop();
  }
}
