export { wh } from './columns';
export { currencyName, currencyNames } from './currencies';
export type { CurrentRowsTable } from './current-rows';
export { currentRowsTableOf } from './current-rows';
export {
  deletedAtColumn,
  deletedAtDescription,
  deletedAtLakeColumn,
  deletedAtSql,
  isTombstone,
  marksDeletes,
  rawColumnsOf,
} from './deletes';
export type { SourceRows } from './derive';
export {
  datesReferenced,
  dayNames,
  deriveCalendarRow,
  deriveDimensionRow,
  deriveFactRow,
  deriveValue,
  monthNames,
  processedColumnsOf,
  sourceVersionColumn,
  sourceVersionFrom,
  sourceVersionOf,
  sourceVersionPart,
  sourceVersionSeparator,
} from './derive';
export { calendarPartSql, derivationSql, sourceColumnSql, sqlIdentifier } from './derive-sql';
export { describeDerivation } from './docs/derivation-words';
export { renderModelDocs } from './docs/render-model-docs';
export { ModelError, ModelErrorCode } from './errors';
export type { FactReference } from './graph';
export {
  columnOf,
  dependenciesOf,
  factModels,
  factReferences,
  factVersionKey,
  filterPolicyOf,
  findModel,
  findSourceTable,
  modelsDependingOn,
  tableOf,
} from './graph';
export type { InboxKeyMeaning } from './inbox';
export {
  InboxCompression,
  InboxFormat,
  inboxExtensions,
  noSourceDatabase,
  parseInboxKey,
  rescuedColumn,
  SourceInput,
} from './inbox';
export type { InboxPolicy } from './inbox-policy';
export {
  allowedRejects,
  BadRowAction,
  defaultInboxPolicy,
  formatInboxPolicy,
  inboxPolicies,
  inboxPolicyOf,
  parseInboxPolicies,
  parseInboxPolicy,
  withinPolicy,
} from './inbox-policy';
export { numeric } from './numeric';
export type { PeerSchemas } from './peer-sql';
export {
  peerModelSql,
  peerRebuildSql,
  peerSchemasDdl,
  peerSelectSql,
  peerStagingDdl,
  peerStagingType,
} from './peer-sql';
export type { SourceTableName } from './source-catalog';
export { sourceTableNames, sourceTables } from './source-catalog';
export type { NotificationQueueSpec, QueueBase, QueueSpec, Topology } from './topology';
export {
  defaultMaxReceiveCount,
  inboxEventsQueueName,
  modelQueueName,
  platformTopology,
  ServiceName,
  scopedName,
  TopicName,
} from './topology';
export type {
  CalendarDimension,
  ColumnRef,
  DecimalShape,
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
export { CalendarPart, LakeType, StarSchema } from './types';
export type { ModelName } from './warehouse-model';
export { warehouseModels } from './warehouse-model';
