import type { LakeObject, ModelBuilt } from '@totes/contracts';
import type { LakeColumn, Row, SourceTable } from '@totes/model';

/** What a builder's core needs from the world. */
export interface BuilderPorts {
  readDataset(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
  /** The latest version of every row of a table that the lake holds, optionally only the rows that `keep` keeps. */
  readCurrentState(table: SourceTable, keep?: (row: Row) => boolean): Promise<ReadonlyMap<number, Row>>;
  writeDataset(
    key: string,
    columns: readonly LakeColumn[],
    batches: AsyncIterable<Row[]>,
  ): Promise<LakeObject>;
  publish(message: ModelBuilt): Promise<void>;
}
