import type { SQSClient } from '@aws-sdk/client-sqs';
import { findStageQueues, listDeadLetters, queueDepth, replayDeadLetters } from '@totes/cli';
import { type SourceTable, sourceTables, TopicName } from '@totes/model';
import type { Publisher } from '@totes/runtime';
import pg from 'pg';
import type { MessageTap } from './message-tap';
import { corruptPartOf, reExtractionOf } from './re-extraction';

/** What draining did. */
export interface DrainResult {
  readonly drained: boolean;
  readonly deadLettered: number;
  readonly replayed: number;
  readonly reExtracted: number;
}

/** What {@link drainPipeline} works with. */
export interface DrainOptions {
  readonly sqs: SQSClient;
  readonly stage: string;
  /** The source and the warehouse, reached directly (not through the fault proxies). */
  readonly source: pg.Pool;
  readonly warehouse: pg.Pool;
  readonly stateSchema: string;
  readonly tap: MessageTap;
  readonly publisher: Publisher;
  /** Epoch milliseconds after which draining gives up. */
  readonly deadline: number;
  readonly pollMs?: number;
}

/**
 * Waits until the pipeline has nothing left to do: every queue empty, every table's watermark at the source's
 * last row with no extraction in flight, three polls in a row. Dead-lettered messages are replayed as an operator
 * would (`totes dlq replay`); one that met a corrupt raw part first has the part's window extracted again.
 */
export async function drainPipeline(options: DrainOptions): Promise<DrainResult> {
  const { sqs, stage } = options;
  const queues = await findStageQueues(sqs, stage);
  const extractorQueue = queues.find((queue) => queue.spec.topic === TopicName.changes);
  let deadLettered = 0;
  let replayed = 0;
  let reExtracted = 0;
  let quiet = 0;
  while (Date.now() < options.deadline) {
    let pending = 0;
    for (const queue of queues) pending += await queueDepth(sqs, queue.url);
    let letters = 0;
    for (const queue of queues) {
      if ((await queueDepth(sqs, queue.deadLetterUrl)) === 0) continue;
      const dead = await listDeadLetters(sqs, queue);
      letters += dead.length;
      const corrupt = dead
        .map((letter) => corruptPartOf(letter.reason.errorMessage))
        .filter((part): part is string => part !== undefined);
      for (const part of new Set(corrupt)) {
        const extracted = options.tap.extractedWithPart(part);
        if (!extracted) continue;
        await options.publisher.publish(TopicName.changes, reExtractionOf(extracted));
        reExtracted += 1;
      }
      if (corrupt.length > 0 && extractorQueue)
        await waitUntil(async () => (await queueDepth(sqs, extractorQueue.url)) === 0, options.deadline);
      const result = await replayDeadLetters(sqs, queue, {
        filter: {},
        dryRun: false,
        limit: Number.MAX_SAFE_INTEGER,
      });
      // Counted as the replay found them: the queue's redrive may have moved more since the listing.
      deadLettered += result.moved.length + result.skipped;
      replayed += result.moved.length;
    }
    const caughtUp = await sourceCaughtUp(options);
    quiet = pending === 0 && letters === 0 && caughtUp ? quiet + 1 : 0;
    if (quiet >= 3) return { drained: true, deadLettered, replayed, reExtracted };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
  return { drained: false, deadLettered, replayed, reExtracted };
}

async function waitUntil(check: () => Promise<boolean>, deadline: number): Promise<void> {
  // Twice in a row: a message between receive and delete is briefly on neither count.
  let hits = 0;
  while (hits < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    hits = (await check()) ? hits + 1 : 0;
  }
}

/** Whether every table's watermark is at the source's last row, with no extraction claimed and unfinished. */
export async function sourceCaughtUp(options: Pick<DrainOptions, 'source' | 'warehouse' | 'stateSchema'>) {
  const { rows: marks } = await options.warehouse.query<{
    table_name: string;
    last_updated: string | null;
    last_id: number | null;
    claimed: boolean;
  }>(
    `SELECT table_name, last_updated::text, last_id, claimed_up_to IS NOT NULL AS claimed
     FROM ${pg.escapeIdentifier(options.stateSchema)}.watermark`,
  );
  const byTable = new Map(marks.map((mark) => [mark.table_name, mark]));
  for (const table of sourceTables) {
    const mark = byTable.get(table.name);
    const last = await lastRowOf(options.source, table);
    if (last === undefined) continue;
    if (!mark || mark.claimed || mark.last_updated === null) return false;
    const newer =
      last.last_updated > mark.last_updated ||
      (last.last_updated === mark.last_updated && last.id > (mark.last_id ?? 0));
    if (newer) return false;
  }
  return true;
}

async function lastRowOf(
  source: pg.Pool,
  table: SourceTable,
): Promise<{ last_updated: string; id: number } | undefined> {
  const cursor = pg.escapeIdentifier(table.cursor);
  const key = pg.escapeIdentifier(table.primaryKey);
  const { rows } = await source.query<{ last_updated: string; id: number }>(
    `SELECT ${cursor}::text AS last_updated, ${key} AS id FROM public.${pg.escapeIdentifier(table.name)}
     ORDER BY ${cursor} DESC, ${key} DESC LIMIT 1`,
  );
  return rows[0];
}
