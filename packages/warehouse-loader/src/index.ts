export { copyBinary } from './copy-binary';
export { currentRowsFromFactSql } from './current-rows';
export { qualifiedTable, warehouseDdl } from './ddl';
export {
  DimensionsNotReadyError,
  KindMismatchError,
  LoadIncompleteError,
  MissingColumnError,
  UnknownModelError,
  WarehouseLoaderError,
  WarehouseLoaderErrorCode,
} from './errors';
export type { LoadReport } from './lineage-event';
export { loadRunId, modelLoadedEvent, modelLoadingEvent } from './lineage-event';
export type { LoaderPorts } from './load-model';
export { loadBuiltModel } from './load-model';
export { migrateWarehouse } from './migrate';
export type { WarehouseLoaderServiceOptions } from './service';
export { startWarehouseLoader } from './service';
export { mergeSql } from './staging';
export type {
  LoadEntry,
  LoadOutcome,
  LoadProgress,
  PartReader,
  WarehouseWriter,
  WarehouseWriterOptions,
} from './warehouse-writer';
export { createWarehouseWriter } from './warehouse-writer';
