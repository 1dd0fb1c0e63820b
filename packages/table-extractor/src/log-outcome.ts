import type { Logger } from '@totes/runtime';
import type { ExtractionOutcome, FileOutcome, PieceOutcome } from './types';

/**
 * Logs what one extraction came to, the same way locally and on AWS: a stopped table as an error naming the drift;
 * columns the catalog does not know as a warning on every extraction that ignored them, so drift is never silent.
 */
export function logExtractionOutcome(outcome: ExtractionOutcome, log: Logger): void {
  if (outcome.kind === 'stopped') {
    log.error('source table has drifted; its extraction stops until the schema is fixed', {
      table: outcome.table,
      problem: outcome.problem,
    });
    return;
  }
  if (outcome.kind === 'deletes') {
    log.info('delete check done', {
      table: outcome.table,
      deleted: outcome.deleted,
      ...(outcome.extracted ? { parts: outcome.extracted.object.parts.length } : {}),
    });
    return;
  }
  if (outcome.kind === 'file') {
    logFileOutcome(outcome, log);
    return;
  }
  const { extracted } = outcome;
  if (outcome.addedColumns.length > 0) {
    log.warn('source table has columns the catalog does not know; they are ignored', {
      table: extracted.table,
      addedColumns: outcome.addedColumns,
    });
  }
  log.info('table extracted', {
    table: extracted.table,
    rows: extracted.object.rows,
    parts: extracted.object.parts.length,
    watermark: extracted.watermark,
  });
}

function logFileOutcome(outcome: FileOutcome, log: Logger): void {
  const loaded = outcome.files.filter((piece) => piece.result === 'loaded');
  for (const piece of outcome.files) logPieceOutcome(outcome.table, piece, log, loaded.length === 1);
  if (loaded.length > 1)
    log.info('inbox files extracted together', {
      table: outcome.table,
      files: loaded.length,
      rows: outcome.extracted?.object.rows ?? 0,
      ...(outcome.files.length > loaded.length ? { notLoaded: outcome.files.length - loaded.length } : {}),
    });
}

function logPieceOutcome(table: string, outcome: PieceOutcome, log: Logger, alone: boolean): void {
  const context = { table, file: outcome.file.key, version: outcome.file.version };
  if (outcome.unknownColumns && outcome.unknownColumns.length > 0)
    log.warn(
      'inbox file has columns the catalog does not know; they are kept in the raw part (_rescued), not loaded',
      {
        ...context,
        unknownColumns: outcome.unknownColumns,
      },
    );
  if (outcome.result === 'quarantined')
    log.error('inbox file quarantined', { ...context, reason: outcome.reason });
  else if (outcome.result === 'duplicate')
    log.warn('inbox file holds the bytes of a file loaded before; it loads nothing', {
      ...context,
      duplicateOf: outcome.duplicateOf,
    });
  else if (outcome.result === 'stale')
    log.info('inbox file is claimed by another message; left to it', context);
  else if (outcome.result === 'piece')
    log.info('inbox file piece read; the last piece read finishes the file', {
      ...context,
      piece: outcome.range ? `${outcome.range.index + 1} of ${outcome.range.of}` : undefined,
    });
  else if (outcome.result === 'read-whole')
    log.warn('inbox file cannot be read in pieces; it is claimed again, to be read whole', {
      ...context,
      reason: outcome.reason,
    });
  // A file extracted with others is counted in the claim's one line.
  else if (alone)
    log.info('inbox file extracted', {
      ...context,
      rows: outcome.rows ?? 0,
      ...(outcome.superseded ? { superseded: outcome.superseded } : {}),
      ...(outcome.rejected ? { rejected: outcome.rejected } : {}),
    });
  if (outcome.result === 'loaded' && outcome.rejected)
    log.warn('inbox file loaded without its rejected rows; `totes inbox show` lists them', {
      ...context,
      rejected: outcome.rejected,
    });
}
