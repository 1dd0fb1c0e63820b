import type { LakeColumn } from '@totes/model';
import { UnreadableSourceValueError } from '../errors';
import type { ColumnBatch } from '../lake/column-batch';
import { ColumnBuilder, readInt32, type SourceForm } from './column-builder';
import { copyBinaryHeader, copySignatureBytes } from './copy-format';

/** A column of a binary COPY: its lake declaration, and the form its PostgreSQL type sends. */
export interface CopyColumn {
  readonly column: LakeColumn;
  readonly form: SourceForm;
}

// The signature, the flags and the length of the header extension.
const headerBytes = copySignatureBytes + 8;
// Flag bit 16: every tuple carries an OID, which a COPY of a SELECT never does.
const oidsFlag = 1 << 16;

/**
 * Decodes PostgreSQL's binary COPY output, chunk by chunk as it arrives, straight into the Arrow buffers of
 * {@link ColumnBatch}es of `batchSize` rows: no object or string per row (a decimal wider than 15 digits, or one
 * with no shape, makes its text). A tuple split across chunks waits, as bytes, for the rest.
 */
export class CopyBinaryDecoder {
  private readonly builders: ColumnBuilder[];
  private pending: Uint8Array | null = null;
  private headerRead = false;
  private ended = false;
  private rows = 0;
  private decoded = 0;

  /** @param table names the source in errors. */
  constructor(
    private readonly table: string,
    columns: readonly CopyColumn[],
    private readonly batchSize: number,
  ) {
    this.builders = columns.map(({ column, form }) => new ColumnBuilder(column, form, batchSize));
  }

  /**
   * Decodes every whole tuple in what is left of the last chunk and `chunk`; returns the batches they filled.
   *
   * @throws {@link UnreadableSourceValueError} when a value does not fit its column, or the stream is not a binary
   * COPY of these columns.
   */
  push(chunk: Uint8Array): ColumnBatch[] {
    const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const batches: ColumnBatch[] = [];
    let at = this.headerRead ? 0 : this.readHeader(bytes);
    while (at >= 0 && at + 2 <= bytes.length && !this.ended) {
      if (bytes[at] === 0xff && bytes[at + 1] === 0xff) {
        this.ended = true; // the trailer: a field count of -1
        at += 2;
        break;
      }
      const end = this.tupleEnd(bytes, at);
      if (end < 0) break;
      this.decodeTuple(bytes, at);
      if (this.rows === this.batchSize) batches.push(this.finishBatch(true));
      at = end;
    }
    if (this.ended && at < bytes.length) this.fail(null, 'the COPY goes on after its trailer');
    this.pending = at < 0 ? bytes : at < bytes.length ? bytes.subarray(at) : null;
    return batches;
  }

  /**
   * The rows of the last, partial batch, or null when there are none.
   *
   * @throws {@link UnreadableSourceValueError} when the COPY stopped before its trailer.
   */
  end(): ColumnBatch | null {
    if (!this.ended || this.pending) this.fail(null, 'the COPY ended before its trailer');
    return this.rows > 0 ? this.finishBatch(false) : null;
  }

  // The offset past the header, or -1 while it has not all arrived.
  private readHeader(bytes: Uint8Array): number {
    for (let index = 0; index < Math.min(bytes.length, copySignatureBytes); index++)
      if (bytes[index] !== copyBinaryHeader[index]) this.fail(null, 'the COPY is not in the binary format');
    if (bytes.length < headerBytes) return -1;
    if ((readInt32(bytes, copySignatureBytes) & oidsFlag) !== 0) this.fail(null, 'the COPY carries OIDs');
    const end = headerBytes + readInt32(bytes, copySignatureBytes + 4);
    if (bytes.length < end) return -1;
    this.headerRead = true;
    return end;
  }

  // The offset past the tuple at `at`, or -1 while it has not all arrived.
  private tupleEnd(bytes: Uint8Array, at: number): number {
    const fields = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    if (fields !== this.builders.length)
      this.fail(null, `a tuple has ${fields} fields, not the ${this.builders.length} columns asked for`);
    let end = at + 2;
    for (let field = 0; field < fields; field++) {
      if (end + 4 > bytes.length) return -1;
      const length = readInt32(bytes, end);
      if (length < -1) this.fail(this.builders[field]?.column.name ?? null, `a field of length ${length}`);
      end += 4 + Math.max(length, 0);
    }
    return end <= bytes.length ? end : -1;
  }

  private decodeTuple(bytes: Uint8Array, at: number): void {
    const row = this.rows;
    let field = at + 2;
    for (const builder of this.builders) {
      const length = readInt32(bytes, field);
      field += 4;
      if (length < 0) builder.setNull(row);
      else {
        const problem = builder.set(row, bytes, field, length);
        if (problem !== undefined) this.fail(builder.column.name, problem);
        field += length;
      }
    }
    this.rows++;
  }

  private finishBatch(more: boolean): ColumnBatch {
    const length = this.rows;
    const columns = this.builders.map((builder) => ({
      column: builder.column,
      data: builder.finish(length),
    }));
    this.decoded += length;
    this.rows = 0;
    if (more) for (const builder of this.builders) builder.reset();
    return { length, columns };
  }

  private fail(column: string | null, reason: string): never {
    throw new UnreadableSourceValueError(this.table, column, this.decoded + this.rows, reason);
  }
}
