export type { TotesysConnection } from './connection';
export {
  PaymentTypeName,
  primaryKeyOf,
  qualifiedTable,
  type TotesysForeignKey,
  type TotesysTable,
  TransactionType,
  totesysColumns,
  totesysDdl,
  totesysForeignKeys,
  totesysForeignKeysDdl,
  totesysTables,
  totesysTablesDdl,
  totesysTransactionalTables,
} from './ddl';
export {
  TotesysAlreadySeededError,
  TotesysCliArgumentsError,
  TotesysError,
  TotesysErrorCode,
  TotesysNothingToMutateError,
  TotesysOptionsError,
  TotesysRowNotFoundError,
} from './errors';
export {
  defaultTotesysSeed,
  type GenerateTotesysOptions,
  generateTotesys,
  liveTotesysRowCounts,
  type TotesysDataset,
  totesysRowCounts,
} from './generator';
export {
  type ApplyMutationOptions,
  applyTotesysMutation,
  type DeletableTable,
  deletableRows,
  liveMutationKinds,
  type MutateTotesysOptions,
  MutationKind,
  type MutationRecord,
  mutateTotesys,
  mutationWeights,
  type NewPurchaseOrderValues,
  type NewSalesOrderValues,
  type TotesysMutation,
} from './mutator';
export { createRandom, type Random } from './random';
export { isSeeded, type SeedTotesysResult, seedTotesys } from './seed';
export { formatDate, formatTimestamp, totesysTimeline } from './timeline';
export type {
  AddressRow,
  CounterpartyRow,
  CurrencyRow,
  DateText,
  DepartmentRow,
  DesignRow,
  NumericText,
  PaymentRow,
  PaymentTypeRow,
  PurchaseOrderRow,
  SalesOrderRow,
  StaffRow,
  TimestampText,
  TotesysRowCounts,
  TotesysRows,
  TotesysSeed,
  TotesysValue,
  TransactionRow,
} from './types';
