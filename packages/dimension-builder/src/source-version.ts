import { sourceVersionPart } from '@totes/model';
import { formatDate, isValidAt } from '@totes/runtime';
import { type Data, makeData, Utf8 } from 'apache-arrow';

const msPerDay = 86_400_000;
const twoTo32 = 2 ** 32;
const timestampLength = 23; // YYYY-MM-DDTHH:MM:SS.mmm

/**
 * The `_source_version` column of a batch (see the model's `sourceVersionOf`): the primary row's `last_updated`
 * written as text straight into UTF-8 bytes from its milliseconds (no string per row), then, for a dimension with
 * joins, each row's `suffixes` (the joined rows' parts, separators included). A null timestamp is the model's
 * missing part.
 */
export function sourceVersionData(
  timestamps: Data | null,
  length: number,
  suffixes?: readonly string[],
): Data {
  const missing = sourceVersionPart(undefined);
  const valueOffsets = new Int32Array(length + 1);
  for (let index = 0, end = 0; index < length; index++) {
    end += timestamps && isValidAt(timestamps, index) ? timestampLength : missing.length;
    if (suffixes) end += Buffer.byteLength(suffixes[index] as string, 'utf8');
    valueOffsets[index + 1] = end;
  }
  const bytes = Buffer.allocUnsafe(valueOffsets[length] as number);
  const write = timestampWriter(bytes);
  const halves = timestamps && halvesOf(timestamps);
  for (let index = 0; index < length; index++) {
    let at = valueOffsets[index] as number;
    if (halves && isValidAt(timestamps, index)) {
      const pair = 2 * (timestamps.offset + index);
      write(at, (halves[pair + 1] as number) * twoTo32 + ((halves[pair] as number) >>> 0));
      at += timestampLength;
    } else at += bytes.write(missing, at, 'latin1');
    if (suffixes) bytes.write(suffixes[index] as string, at, 'utf8');
  }
  return makeData({
    type: new Utf8(),
    length,
    nullCount: 0,
    valueOffsets,
    data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  });
}

function halvesOf(data: Data): Int32Array {
  const values = data.values as BigInt64Array;
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

// Writes `YYYY-MM-DDTHH:MM:SS.mmm` of epoch milliseconds, as the lake's `formatTimestamp` does: the date's text
// from the lake's own formatter (a few thousand distinct days, remembered), the time's digits by arithmetic.
function timestampWriter(bytes: Buffer): (at: number, ms: number) => void {
  const days = new Map<number, string>();
  const digits = (at: number, value: number, width: number) => {
    for (let place = width - 1; place >= 0; place--, value = Math.floor(value / 10))
      bytes[at + place] = 48 + (value % 10);
  };
  return (at, ms) => {
    const day = Math.floor(ms / msPerDay);
    let date = days.get(day);
    if (date === undefined) {
      date = formatDate(day) as string;
      days.set(day, date);
    }
    for (let index = 0; index < 10; index++) bytes[at + index] = date.charCodeAt(index);
    const time = ms - day * msPerDay;
    bytes[at + 10] = 84; // T
    digits(at + 11, Math.floor(time / 3_600_000), 2);
    bytes[at + 13] = 58; // :
    digits(at + 14, Math.floor(time / 60_000) % 60, 2);
    bytes[at + 16] = 58;
    digits(at + 17, Math.floor(time / 1000) % 60, 2);
    bytes[at + 19] = 46; // .
    digits(at + 20, time % 1000, 3);
  };
}
