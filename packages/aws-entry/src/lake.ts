import type { LakeObject } from '@totes/contracts';
import type { LakeColumn, Row } from '@totes/model';
import { type ColumnBatch, type Lake, LakeZone } from '@totes/runtime';
import { LambdaVariable } from './contract';
import { NotGrantedError, UnknownLakeZoneError } from './errors';

/** What the services' cores use of a lake: the same operations as {@link Lake}, over both zones. */
export interface ZonedLake {
  writeDataset(
    key: string,
    columns: readonly LakeColumn[],
    batches: Iterable<Row[]> | AsyncIterable<Row[]>,
  ): Promise<LakeObject>;
  readDataset(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
  readColumns(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<ColumnBatch>;
  writeColumns(
    key: string,
    columns: readonly LakeColumn[],
    batches: Iterable<ColumnBatch> | AsyncIterable<ColumnBatch>,
  ): Promise<LakeObject>;
  list(prefix: string): Promise<string[]>;
}

/** The lake of each zone that a function was given; a zone it was not given is absent. */
export interface LakeZones {
  readonly raw?: Lake;
  readonly processed?: Lake;
}

type Zone = (typeof LakeZone)[keyof typeof LakeZone];

const variableOf: Record<Zone, string> = {
  raw: LambdaVariable.rawLakeUrl,
  processed: LambdaVariable.processedLakeUrl,
};

/**
 * One lake over the two zones, each in its own bucket: a key goes to the zone its first segment names (`raw/…` or
 * `processed/…`), so the cores keep the keys they use locally, where both zones share one folder. Using a zone the
 * function was not given fails with a {@link NotGrantedError} before any request leaves.
 */
export function zonedLake(zones: LakeZones): ZonedLake {
  const lakeOf = (key: string): Lake => {
    const zone = Object.values(LakeZone).find((name) => key === name || key.startsWith(`${name}/`));
    if (zone === undefined) throw new UnknownLakeZoneError(key);
    const lake = zones[zone];
    if (lake === undefined) throw new NotGrantedError(`the ${zone} zone of the lake`, variableOf[zone]);
    return lake;
  };
  return {
    writeDataset: async (key, columns, batches) => lakeOf(key).writeDataset(key, columns, batches),
    writeColumns: async (key, columns, batches) => lakeOf(key).writeColumns(key, columns, batches),
    async *readDataset(object, columns) {
      // Part by part, so a dataset is read in order whichever zone each part is in (in practice, one).
      for (const part of object.parts) yield* lakeOf(part).readDataset({ parts: [part] }, columns);
    },
    async *readColumns(object, columns) {
      for (const part of object.parts) yield* lakeOf(part).readColumns({ parts: [part] }, columns);
    },
    list: async (prefix) => lakeOf(prefix).list(prefix),
  };
}
