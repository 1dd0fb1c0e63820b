import { InboxFileProblemError } from '../errors';

/** One record of a CSV file: its fields, `null` for an unquoted empty field (how `COPY … CSV` writes NULL). */
export interface CsvRecord {
  /** The line the record starts on, 1 for the header. */
  readonly line: number;
  readonly fields: readonly (string | null)[];
}

/**
 * Parses CSV as PostgreSQL's `COPY … (FORMAT csv)` writes it, from a stream of bytes, yielding the records of each
 * chunk as they complete: fields separated by `,`, quoted with `"` (a quote doubled inside), a quoted field may hold
 * commas and line breaks, an unquoted empty field is NULL and a quoted one (`""`) the empty string. Line ends may be
 * LF or CRLF, and a UTF-8 byte order mark is skipped. Bytes that are not UTF-8, and a quote left open at the end,
 * are problems of the file ({@link InboxFileProblemError}).
 */
export async function* readCsvRecords(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<CsvRecord[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const parser = new CsvParser();
  for await (const chunk of chunks) {
    const records = parser.push(decode(decoder, chunk, true, parser.line));
    if (records.length > 0) yield records;
  }
  const records = [...parser.push(decode(decoder, undefined, false, parser.line)), ...parser.end()];
  if (records.length > 0) yield records;
}

function decode(
  decoder: InstanceType<typeof TextDecoder>,
  chunk: Uint8Array | undefined,
  stream: boolean,
  line: number,
): string {
  try {
    return decoder.decode(chunk, { stream });
  } catch {
    throw new InboxFileProblemError(`line ${line}: the bytes are not UTF-8 text`);
  }
}

const comma = 0x2c;
const quote = 0x22;
const lineFeed = 0x0a;
const carriageReturn = 0x0d;

/**
 * The parser's state between chunks: a field, a record or a quoted section may span any number of them. Fields are
 * cut from the chunk's text by slicing, never built a character at a time.
 */
class CsvParser {
  /** The line being read, 1 for the header. */
  line = 1;
  private recordLine = 1;
  private fields: (string | null)[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  private quotePending = false;

  push(text: string): CsvRecord[] {
    // The state is copied into locals while the chunk is scanned and stored back after: this loop runs for every
    // character of a file, and a local is cheaper to read and write than an object's field.
    let { line, recordLine, fields, field, quoted, inQuotes, quotePending } = this;
    const records: CsvRecord[] = [];
    // The field's text not yet added to `field` starts here.
    let from = 0;
    const length = text.length;
    for (let index = 0; index < length; index += 1) {
      const char = text.charCodeAt(index);
      if (inQuotes) {
        if (!quotePending) {
          if (char === quote) {
            field += text.slice(from, index);
            quotePending = true;
          } else if (char === lineFeed) line += 1;
          continue;
        }
        quotePending = false;
        // A doubled quote is one quote of the value: it starts the next slice.
        from = index;
        if (char === quote) continue;
        inQuotes = false;
      }
      if (char === comma) {
        field += text.slice(from, index);
        fields.push(quoted || field !== '' ? field : null);
        field = '';
        quoted = false;
        from = index + 1;
      } else if (char === lineFeed) {
        field += text.slice(from, index);
        fields.push(quoted || field !== '' ? field : null);
        field = '';
        quoted = false;
        // A blank line is no record (COPY never writes one).
        if (!(fields.length === 1 && fields[0] === null)) records.push({ line: recordLine, fields });
        fields = [];
        line += 1;
        recordLine = line;
        from = index + 1;
      } else if (char === carriageReturn) {
        // The CR of a CRLF line end; COPY quotes a value that holds one.
        field += text.slice(from, index);
        from = index + 1;
      } else if (char === quote && index === from && field === '' && !quoted) {
        inQuotes = true;
        quoted = true;
        from = index + 1;
      }
    }
    if (!quotePending) field += text.slice(from);
    this.line = line;
    this.recordLine = recordLine;
    this.fields = fields;
    this.field = field;
    this.quoted = quoted;
    this.inQuotes = inQuotes;
    this.quotePending = quotePending;
    return records;
  }

  end(): CsvRecord[] {
    if (this.inQuotes && !this.quotePending)
      throw new InboxFileProblemError(`line ${this.recordLine}: a quoted field is never closed`);
    this.inQuotes = false;
    this.quotePending = false;
    if (this.field !== '' || this.quoted || this.fields.length > 0) return this.push('\n');
    return [];
  }
}
