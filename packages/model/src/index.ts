export { wh } from './columns';
export { currencyName, currencyNames } from './currencies';
export {
  datesReferenced,
  deriveCalendarRow,
  deriveDimensionRow,
  deriveFactRow,
  deriveValue,
  processedColumnsOf,
  sourceVersionColumn,
  sourceVersionOf,
} from './derive';
export type { SourceRows } from './derive';
export { ModelError, ModelErrorCode } from './errors';
export {
  columnOf,
  dependenciesOf,
  factModels,
  factVersionKey,
  filterPolicyOf,
  findModel,
  findSourceTable,
  modelsDependingOn,
  tableOf,
} from './graph';
export { sourceTableNames, sourceTables } from './source-catalog';
export type { SourceTableName } from './source-catalog';
export {
  defaultMaxReceiveCount,
  modelQueueName,
  platformTopology,
  scopedName,
  ServiceName,
  TopicName,
} from './topology';
export type { QueueSpec, Topology } from './topology';
export { CalendarPart, LakeType, StarSchema } from './types';
export type {
  CalendarDimension,
  ColumnRef,
  Derivation,
  DimensionModel,
  FactModel,
  Join,
  LakeColumn,
  LakeValue,
  Row,
  SourceColumn,
  SourceTable,
  TableDimension,
  WarehouseColumn,
  WarehouseModel,
} from './types';
export { warehouseModels } from './warehouse-model';
export type { ModelName } from './warehouse-model';
