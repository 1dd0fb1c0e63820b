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
  const parser = csvParser();
  for await (const chunk of chunks) {
    const records = parser.push(decode(decoder, chunk, true, parser.line()));
    if (records.length > 0) yield records;
  }
  const records = [...parser.push(decode(decoder, undefined, false, parser.line())), ...parser.end()];
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
function csvParser() {
  let line = 1;
  let recordLine = 1;
  let fields: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let quotePending = false;
  let records: CsvRecord[] = [];
  const endField = () => {
    fields.push(quoted || field !== '' ? field : null);
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    // A blank line is no record (COPY never writes one).
    if (!(fields.length === 1 && fields[0] === null)) records.push({ line: recordLine, fields });
    fields = [];
    recordLine = line + 1;
  };
  return {
    line: () => line,
    push(text: string): CsvRecord[] {
      // The field's text not yet added to `field` starts here.
      let from = 0;
      for (let index = 0; index < text.length; index += 1) {
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
          endField();
          from = index + 1;
        } else if (char === lineFeed) {
          field += text.slice(from, index);
          endRecord();
          line += 1;
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
      const done = records;
      records = [];
      return done;
    },
    end(): CsvRecord[] {
      if (inQuotes && !quotePending)
        throw new InboxFileProblemError(`line ${recordLine}: a quoted field is never closed`);
      inQuotes = false;
      quotePending = false;
      if (field !== '' || quoted || fields.length > 0) endRecord();
      const done = records;
      records = [];
      return done;
    },
  };
}
