import type { LakeObject, ModelBuilt } from '@totes/contracts';
import type { LakeColumn, Row, SourceTable } from '@totes/model';
import type { ColumnBatch } from '@totes/runtime';

/** What a builder's core needs from the world. */
export interface BuilderPorts {
  /** A dataset's parts as column batches: the changed rows are never made one object each. */
  readColumns(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<ColumnBatch>;
  /** The latest version of every row of a table that the lake holds, optionally only the rows that `keep` keeps. */
  readCurrentState(table: SourceTable, keep?: (row: Row) => boolean): Promise<ReadonlyMap<number, Row>>;
  writeColumns(
    key: string,
    columns: readonly LakeColumn[],
    batches: AsyncIterable<ColumnBatch>,
  ): Promise<LakeObject>;
  publish(message: ModelBuilt): Promise<void>;
}

/** The current rows of each table a dimension joins, by key: small lookups (departments, addresses). */
export type Partners = ReadonlyMap<string, ReadonlyMap<number, Row>>;
