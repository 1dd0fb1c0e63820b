import { findSourceTable } from './graph';
import { type LakeColumn, LakeType, type SourceTable } from './types';

/**
 * The platform's inputs: the source database, read over SQL, and the inbox, a folder or S3 prefix of files of a
 * table's rows. Both feed the same raw zone, builders and loader.
 */
export const SourceInput = { database: 'database', inbox: 'inbox' } as const;
export type SourceInput = (typeof SourceInput)[keyof typeof SourceInput];

/**
 * The word that says a platform has no source database, its inbox its only input: `TOTES_SOURCE_URL=none` locally,
 * `TOTES_SOURCE_LOCATION=none` for a stage on AWS. One literal, so the two can never disagree.
 */
export const noSourceDatabase = 'none';

/** The file formats the inbox reads: CSV with a header row, JSON Lines, and Parquet. */
export const InboxFormat = { csv: 'csv', jsonLines: 'jsonl', parquet: 'parquet' } as const;
export type InboxFormat = (typeof InboxFormat)[keyof typeof InboxFormat];

/** How a file in the inbox is compressed, from its last extension. */
export const InboxCompression = { none: 'none', gzip: 'gzip', zstd: 'zstd' } as const;
export type InboxCompression = (typeof InboxCompression)[keyof typeof InboxCompression];

/** What an inbox key says of its file: its table (the first folder), format and compression. */
export type InboxKeyMeaning =
  | {
      readonly ok: true;
      readonly table: SourceTable;
      readonly format: InboxFormat;
      readonly compression: InboxCompression;
    }
  | { readonly ok: false; readonly reason: string };

const formats: Record<string, InboxFormat> = {
  csv: InboxFormat.csv,
  jsonl: InboxFormat.jsonLines,
  ndjson: InboxFormat.jsonLines,
  parquet: InboxFormat.parquet,
};
const compressions: Record<string, InboxCompression> = {
  gz: InboxCompression.gzip,
  zst: InboxCompression.zstd,
};

/**
 * The column of an inbox file's raw part that keeps, per row, the file's columns the catalog does not know, as a JSON
 * object of their values (null for a row that has none). Only a file with such columns has it; the builders read
 * the catalog's columns by name, so they never see it.
 */
export const rescuedColumn: LakeColumn = { name: '_rescued', lake: LakeType.string, nullable: true };

/** The extensions the inbox reads, as a reason names them. */
export const inboxExtensions = '.csv, .jsonl, .ndjson or .parquet, each optionally .gz or .zst';

/**
 * Reads a key of the inbox, relative to its root: `<table>/<any name>.<format>[.gz|.zst]`. The table must be one of the
 * catalog's; the name may hold further folders. Anything else is a reason to quarantine the file.
 */
export function parseInboxKey(key: string): InboxKeyMeaning {
  const [folder, ...rest] = key.split('/');
  if (!folder || rest.length === 0)
    return { ok: false, reason: `"${key}" is not under a table folder: put it in <inbox>/<table>/` };
  const table = findSourceTable(folder);
  if (!table) return { ok: false, reason: `"${folder}" is not a table of the catalog` };
  const extensions = (rest.at(-1) ?? '').toLowerCase().split('.').slice(1);
  const last = extensions.at(-1) ?? '';
  const compression = compressions[last] ?? InboxCompression.none;
  const format = formats[(compression === InboxCompression.none ? last : extensions.at(-2)) ?? ''];
  if (!format)
    return {
      ok: false,
      reason: `"${key}" has no supported extension: the inbox reads ${inboxExtensions}`,
    };
  return { ok: true, table, format, compression };
}
