import { createInterface } from 'node:readline/promises';
import { CliError, CliErrorCode } from '../errors';
import { type OpsContext, openOpsContext } from '../ops/context';
import {
  listDeadLetterQueues,
  listDeadLetters,
  parseFilters,
  purgeDeadLetters,
  reasonLine,
  replayDeadLetters,
} from '../ops/dead-letters';
import { findStageQueues, pickQueue } from '../ops/queues';

export interface DlqOptions {
  action: string | undefined;
  queue: string | undefined;
  stage: string | undefined;
  json: boolean;
  filters: readonly string[];
  dryRun: boolean;
  limit: number;
  yes: boolean;
}

const write = (text: string) => process.stdout.write(`${text}\n`);

/** `totes dlq list | show <queue> | replay <queue> | purge <queue>`: inspect and replay dead-lettered messages. */
export async function dlq(options: DlqOptions): Promise<number> {
  const context = await openOpsContext({ stage: options.stage });
  try {
    if (options.action === 'list' || options.action === undefined) return await list(context, options.json);
    const queues = await findStageQueues(context.sqs, context.stage);
    if (!options.queue)
      throw new CliError(
        CliErrorCode.usage,
        `totes dlq ${options.action} needs a queue: totes dlq list shows them`,
      );
    const queue = pickQueue(queues, options.queue);
    if (options.action === 'show') {
      const letters = await listDeadLetters(context.sqs, queue);
      if (options.json) {
        write(
          JSON.stringify(
            letters.map((letter) => ({ ...letter, body: parseOrText(letter.body) })),
            null,
            2,
          ),
        );
        return 0;
      }
      write(`${letters.length} message(s) in ${queue.deadLetterName}`);
      for (const letter of letters) {
        const { type, table, model, runId } = letter.summary;
        write(`\n● ${letter.messageId}  sent ${letter.sentAt}`);
        write(
          `  ${[type, table && `table=${table}`, model && `model=${model}`, runId && `run=${runId}`].filter(Boolean).join('  ')}`,
        );
        write(`  why: ${reasonLine(letter)}`);
        if (letter.reason.firstFailedAt)
          write(`  first failed ${letter.reason.firstFailedAt}, last ${letter.reason.failedAt}`);
        if (letter.reason.stack) write(`  stack: ${letter.reason.stack.replaceAll('\n', '\n         ')}`);
        write(`  payload: ${letter.body.slice(0, 2000)}`);
      }
      return 0;
    }
    if (options.action === 'replay') {
      const result = await replayDeadLetters(context.sqs, queue, {
        filter: parseFilters(options.filters),
        dryRun: options.dryRun,
        limit: options.limit,
      });
      if (options.json)
        write(JSON.stringify({ ...result, moved: result.moved.map((letter) => letter.messageId) }, null, 2));
      else {
        const verb = result.dryRun ? 'would move' : 'moved';
        write(
          `${verb} ${result.moved.length} message(s) from ${queue.deadLetterName} to ${queue.name}; ${result.skipped} left`,
        );
        for (const letter of result.moved)
          write(
            `  ${letter.messageId}  ${letter.summary.type ?? ''} ${letter.summary.model ?? letter.summary.table ?? ''}`,
          );
      }
      return 0;
    }
    if (options.action === 'purge') {
      if (!options.yes && !(await confirm(`Delete every message in ${queue.deadLetterName}? Type yes: `))) {
        write('not purged.');
        return 1;
      }
      await purgeDeadLetters(context.sqs, queue);
      write(`purged ${queue.deadLetterName}.`);
      return 0;
    }
    throw new CliError(
      CliErrorCode.usage,
      `unknown dlq action "${options.action}": use list, show, replay or purge`,
    );
  } finally {
    context.close();
  }
}

/**
 * `totes dlq list`: every dead-letter queue with its depth and the age of its oldest message. Queues that cannot be
 * read are reported as such (in `--json` too, so a script always gets a document), and the exit code is 1.
 */
async function list(context: OpsContext, json: boolean): Promise<number> {
  const listing = await listDeadLetterQueues(context.sqs, context.stage);
  if (json) write(JSON.stringify(listing, null, 2));
  else {
    write(`dead-letter queues of ${context.describe}`);
    if (listing.queuesError) write(`  CANNOT READ THE QUEUES: ${listing.queuesError}`);
    for (const row of listing.queues ?? []) {
      const age = row.oldestAgeSeconds === null ? '' : `  oldest ${row.oldestAgeSeconds} s`;
      write(`  ${row.queue.padEnd(36)} ${String(row.depth).padStart(5)}${age}`);
    }
  }
  return listing.queues ? 0 : 1;
}

function parseOrText(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError(
      CliErrorCode.usage,
      'purge asks for confirmation on a terminal; pass --yes to purge without asking',
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await prompt.question(question)).trim().toLowerCase() === 'yes';
  } finally {
    prompt.close();
  }
}
