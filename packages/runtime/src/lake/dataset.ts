import type { S3Client } from '@aws-sdk/client-s3';
import type { LakeObject } from '@totes/contracts';
import type { LakeColumn, Row } from '@totes/model';
import type { ColumnBatch } from './column-batch';
import { assertLakeKey, type LakeStore } from './lake-store';
import { formatLakeUrl, type LakeLocation, parseLakeUrl } from './lake-url';
import { createLocalStore } from './local-store';
import {
  type ColumnsOfRows,
  columnsOfRows,
  decodeParquet,
  encodeParquet,
  lakeFields,
  writeBatches,
  writeTable,
} from './parquet-codec';
import { decodeParquetColumns } from './parquet-columns';
import { declaredColumns, fieldsOf } from './parquet-columns-encode';
import { createS3Store } from './s3-store';

/**
 * Rows per Parquet part unless the writer says otherwise. A part is held whole while it is encoded or decoded (as
 * row objects, or as column batches for the loader; and the parquet-wasm memory, which never shrinks, grows to the
 * largest part), so this bounds each stream's memory: 10 000 rows of the widest table are a few MiB.
 */
export const defaultRowsPerPart = 10_000;

/** How {@link Lake.writeDataset} splits rows. */
export interface WriteDatasetOptions {
  /** At most this many rows per part file; defaults to {@link defaultRowsPerPart}. */
  readonly rowsPerPart?: number;
}

/** What {@link createLake} may be given besides the URL. */
export interface CreateLakeOptions {
  /** The client for an `s3://` lake; by default one is created from the environment. */
  readonly s3Client?: S3Client;
}

/** A lake of Parquet datasets: folders of bounded part files. */
export interface Lake {
  /** The lake's canonical URL (`s3://bucket/prefix` or `file:///root`). */
  readonly url: string;
  readonly location: LakeLocation;
  readonly store: LakeStore;
  /**
   * Writes rows as `<key>/part-00000.parquet`, `part-00001`, …, each of at most `rowsPerPart` rows, writing
   * each part as soon as it is full, so memory holds one part's rows whatever the dataset's size. Names are
   * deterministic: a retry overwrites the same parts, and parts left over from a larger earlier write at the
   * same key are emptied (rewritten with zero rows), not deleted: a message published after the earlier write still
   * names them, and must read nothing stale from them, yet must not fail. Zero rows give zero parts.
   */
  writeDataset(
    key: string,
    columns: readonly LakeColumn[],
    batches: Iterable<Row[]> | AsyncIterable<Row[]>,
    options?: WriteDatasetOptions,
  ): Promise<LakeObject>;
  /**
   * Writes column batches as a dataset, as {@link Lake.writeDataset} writes rows: the same part names, the same
   * emptying of leftover parts. Each batch is written straight from its columns, in parts of at most
   * `rowsPerPart` rows (a batch is not joined with the next: a part holds one batch or a slice of one).
   */
  writeColumns(
    key: string,
    columns: readonly LakeColumn[],
    batches: Iterable<ColumnBatch> | AsyncIterable<ColumnBatch>,
    options?: WriteDatasetOptions,
  ): Promise<LakeObject>;
  /** Reads a dataset one part at a time: one batch of rows per part, in part order. */
  readDataset(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
  /**
   * Reads a dataset one part at a time as columns, never as row objects: the part's column batches (one for a part
   * of at most 65 536 rows), in part order.
   */
  readColumns(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<ColumnBatch>;
  /** Every row of a dataset in one array: only for datasets known to be small. */
  readAll(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): Promise<Row[]>;
  /** Every key under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
}

const partPattern = /^part-\d{5,}\.parquet$/;

/** The key of a dataset's part: `<key>/part-00042.parquet`. */
export function partKey(key: string, index: number): string {
  return `${key}/part-${String(index).padStart(5, '0')}.parquet`;
}

/**
 * Opens the lake at `url` (see {@link parseLakeUrl}). Nothing is touched until the first read or write.
 *
 * @throws {@link InvalidLakeUrlError}
 */
export function createLake(url: string, options: CreateLakeOptions = {}): Lake {
  const location = parseLakeUrl(url);
  const store =
    location.kind === 'local'
      ? createLocalStore(location.root)
      : createS3Store({
          bucket: location.bucket,
          prefix: location.prefix,
          ...(options.s3Client ? { client: options.s3Client } : {}),
        });
  return lakeOn(store, location);
}

/** A lake over any store, e.g. one that wraps another to count or fail calls. */
export function lakeOn(store: LakeStore, location: LakeLocation): Lake {
  const readDataset = (object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]) =>
    readParts(store, object.parts, columns);
  return {
    url: formatLakeUrl(location),
    location,
    store,
    writeDataset: (key, columns, batches, options = {}) =>
      writeDataset(store, key, columns, batches, options.rowsPerPart ?? defaultRowsPerPart),
    readDataset,
    readColumns: (object, columns) => readPartColumns(store, object.parts, columns),
    writeColumns: (key, columns, batches, options = {}) =>
      writeColumns(store, key, columns, batches, options.rowsPerPart ?? defaultRowsPerPart),
    async readAll(object, columns) {
      const rows: Row[] = [];
      for await (const batch of readDataset(object, columns)) for (const row of batch) rows.push(row);
      return rows;
    },
    list: (prefix) => store.list(prefix),
  };
}

async function writeDataset(
  store: LakeStore,
  key: string,
  columns: readonly LakeColumn[],
  batches: Iterable<Row[]> | AsyncIterable<Row[]>,
  rowsPerPart: number,
): Promise<LakeObject> {
  const writer = partWriter(store, key, rowsPerPart);
  const fields = lakeFields(columns);
  // The part's rows are turned into Arrow columns every `rowsPerColumns` rows, so a row dies young (before the
  // garbage collector copies it) and a part is held as column buffers, not as objects.
  let pending: Row[] = [];
  let built: ColumnsOfRows[] = [];
  let partRows = 0;

  const build = () => {
    const part = `${writer.nextPart()} in lake ${store.describe()}`;
    built.push(columnsOfRows(columns, pending, part, partRows - pending.length));
    pending = [];
  };
  const flush = async () => {
    if (pending.length > 0) build();
    const encoded = writeBatches(fields, built);
    // Let go of the columns before the upload, so only the encoded part is held while it travels.
    const rows = partRows;
    built = [];
    partRows = 0;
    await writer.put(encoded, rows);
  };

  for await (const batch of batches) {
    for (let start = 0; start < batch.length; ) {
      const end = Math.min(
        batch.length,
        start + rowsPerPart - partRows,
        start + rowsPerColumns - pending.length,
      );
      for (let index = start; index < end; index++) pending.push(batch[index]!);
      partRows += end - start;
      start = end;
      if (partRows === rowsPerPart) await flush();
      else if (pending.length === rowsPerColumns) build();
    }
  }
  if (partRows > 0) await flush();
  return writer.finish(columns);
}

/** Rows turned into Arrow columns at a time while a part is written: about one of the inbox reader's batches. */
const rowsPerColumns = 1024;

async function writeColumns(
  store: LakeStore,
  key: string,
  columns: readonly LakeColumn[],
  batches: Iterable<ColumnBatch> | AsyncIterable<ColumnBatch>,
  rowsPerPart: number,
): Promise<LakeObject> {
  const writer = partWriter(store, key, rowsPerPart);
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    const fields = fieldsOf(batch);
    const data = declaredColumns(batch, `${writer.nextPart()} in lake ${store.describe()}`);
    for (let start = 0; start < batch.length; start += rowsPerPart) {
      const length = Math.min(rowsPerPart, batch.length - start);
      const slices =
        start === 0 && length === batch.length ? data : data.map((one) => one.slice(start, length));
      await writer.put(writeTable(fields, slices, length), length);
    }
  }
  return writer.finish(columns);
}

/**
 * The parts of one dataset as they are written, numbered in order: what {@link writeDataset} and
 * {@link writeColumns} share, from the key's checks to the emptying of a rewrite's leftover parts.
 */
function partWriter(store: LakeStore, key: string, rowsPerPart: number) {
  assertLakeKey(key, store.describe());
  assertRowsPerPart(rowsPerPart);
  const parts: string[] = [];
  let rows = 0;
  let bytes = 0;
  return {
    nextPart: () => partKey(key, parts.length),
    async put(encoded: Uint8Array, rowCount: number): Promise<void> {
      const part = partKey(key, parts.length);
      await store.put(part, encoded);
      parts.push(part);
      rows += rowCount;
      bytes += encoded.byteLength;
    },
    async finish(columns: readonly LakeColumn[]): Promise<LakeObject> {
      await emptyLeftovers(store, key, columns, parts);
      return { key, parts, rows, bytes };
    },
  };
}

function assertRowsPerPart(rowsPerPart: number): void {
  if (!Number.isInteger(rowsPerPart) || rowsPerPart < 1) {
    throw new RangeError(`rowsPerPart must be a positive integer, got ${rowsPerPart}`);
  }
}

// After the new parts are in place: a rewrite that wrote fewer parts (a window re-extracted after some of its rows
// moved on) must not leave old rows behind, nor a hole where an earlier message expects a part.
async function emptyLeftovers(
  store: LakeStore,
  key: string,
  columns: readonly LakeColumn[],
  parts: readonly string[],
): Promise<void> {
  const current = new Set(parts);
  const leftovers = (await store.list(`${key}/`)).filter(
    (existing) => partPattern.test(existing.slice(key.length + 1)) && !current.has(existing),
  );
  if (leftovers.length > 0) {
    const empty = encodeParquet(columns, [], `an emptied part under ${key} in lake ${store.describe()}`);
    for (const leftover of leftovers) await store.put(leftover, empty);
  }
}

async function* readParts(
  store: LakeStore,
  parts: readonly string[],
  columns: readonly LakeColumn[],
): AsyncIterable<Row[]> {
  for (const part of parts) {
    const bytes = await store.get(part);
    yield decodeParquet(bytes, columns, `${part} in lake ${store.describe()}`);
  }
}

async function* readPartColumns(
  store: LakeStore,
  parts: readonly string[],
  columns: readonly LakeColumn[],
): AsyncIterable<ColumnBatch> {
  for (const part of parts) {
    const bytes = await store.get(part);
    yield* decodeParquetColumns(bytes, columns, `${part} in lake ${store.describe()}`);
  }
}
