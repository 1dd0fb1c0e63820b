import {
  createAwsClients,
  createInboxLedger,
  createInboxStore,
  createPool,
  defaultInboxUrl,
} from '@totes/runtime';
import { CliError, CliErrorCode } from '../errors';
import { formatInboxList, putInboxFiles } from '../ops/inbox';
import { readPlatformFile } from '../ops/platform-file';
import { stateDirOf } from '../stack';

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
      const warehouseUrl = running?.warehouseUrl ?? process.env.TOTES_WAREHOUSE_URL;
      if (!warehouseUrl)
        throw new CliError(
          CliErrorCode.notFound,
          'no warehouse to read the inbox ledger from: start the platform, or set TOTES_WAREHOUSE_URL',
        );
      const pool = createPool(warehouseUrl, { readOnly: true, applicationName: 'totes-inbox' });
      try {
        const entries = await createInboxLedger(pool, process.env.TOTES_STATE_SCHEMA ?? 'totes').list();
        write(options.json ? JSON.stringify(entries, null, 2) : formatInboxList(entries, store.describe()));
        return 0;
      } finally {
        await pool.end();
      }
    }
    throw new CliError(CliErrorCode.usage, `unknown inbox action "${options.action}": use put or list`);
  } finally {
    s3.destroy();
  }
}
