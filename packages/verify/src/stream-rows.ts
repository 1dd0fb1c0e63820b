import type { Row } from '@totes/model';
import { lakeTypes } from '@totes/runtime';
import type pg from 'pg';
import Cursor from 'pg-cursor';

/** Rows per batch read from a cursor: bounds the memory one stream holds. */
export const defaultBatchSize = 5_000;

/**
 * Streams the rows of a query in batches through a server-side cursor, values parsed as the lake holds them
 * (timestamps, dates, times and numerics as exact text). The next batch is fetched while the caller works on this
 * one. Closing the generator early closes the cursor.
 */
export async function* streamRows(
  client: pg.ClientBase,
  text: string,
  values: readonly unknown[] = [],
  batchSize = defaultBatchSize,
): AsyncGenerator<Row[]> {
  const cursor = client.query(new Cursor<Row>(text, [...values], { types: lakeTypes }));
  let pending: Promise<Row[]> | undefined;
  try {
    pending = cursor.read(batchSize);
    while (true) {
      const rows = await pending;
      if (rows.length === 0) break;
      pending = cursor.read(batchSize);
      yield rows;
    }
  } finally {
    await pending?.catch(() => []);
    await cursor.close();
  }
}
