import type { LakeObject, ModelBuilt } from '@totes/contracts';
import type { LakeColumn } from '@totes/model';
import type { ColumnBatch } from '@totes/runtime';

/** What the fact builder's core needs from the world. */
export interface FactBuilderPorts {
  /** The raw dataset's parts as column batches: the builder never makes an object per row. */
  readColumns(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<ColumnBatch>;
  writeColumns(
    key: string,
    columns: readonly LakeColumn[],
    batches: AsyncIterable<ColumnBatch>,
  ): Promise<LakeObject>;
  publish(message: ModelBuilt): Promise<void>;
}
