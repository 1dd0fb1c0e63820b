import type { LakeObject, ModelBuilt } from '@totes/contracts';
import type { LakeColumn, Row } from '@totes/model';

/** What the fact builder's core needs from the world. */
export interface FactBuilderPorts {
  readDataset(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
  writeDataset(
    key: string,
    columns: readonly LakeColumn[],
    batches: AsyncIterable<Row[]>,
  ): Promise<LakeObject>;
  publish(message: ModelBuilt): Promise<void>;
}
