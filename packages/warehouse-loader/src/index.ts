export { copyBinary, copyBinaryHeader, copyBinaryTrailer } from './copy-binary';
export { qualifiedTable, warehouseDdl } from './ddl';
export {
  DimensionsNotReadyError,
  KindMismatchError,
  MissingColumnError,
  UnknownModelError,
  WarehouseLoaderError,
  WarehouseLoaderErrorCode,
} from './errors';
export type { LoadReport } from './lineage-event';
export { modelLoadedEvent } from './lineage-event';
export type { LoaderPorts } from './load-model';
export { loadBuiltModel } from './load-model';
export { migrateWarehouse } from './migrate';
export type { WarehouseLoaderServiceOptions } from './service';
export { startWarehouseLoader } from './service';
export type { LoadEntry, LoadOutcome, WarehouseWriter, WarehouseWriterOptions } from './warehouse-writer';
export { createWarehouseWriter, mergeSql } from './warehouse-writer';
