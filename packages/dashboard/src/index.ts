export type { AppParts, DashboardApp } from './app';
export { createApp } from './app';
export { barChart, columnChart, timeSeriesChart } from './charts/charts';
export { dependencyEdges, dependencyGraph, dependencyNodes } from './charts/dependency-graph';
export { renderPlot } from './charts/plot';
export { BadParameterError, DashboardError, DashboardErrorCode, UnknownQueryError } from './errors';
export { createHealthCache, healthSignature } from './health-cache';
export type { ChangeFeed } from './live/change-feed';
export { createChangeFeed } from './live/change-feed';
export { changedKeys } from './live/event-keys';
export type { LoadEventSubscription } from './live/load-events';
export { dashboardFilterPolicy, findLoadCompleteTopic, subscribeLoadEvents } from './live/load-events';
export { dlqShowCommand } from './pages/health-panels';
export type { PageRenderer } from './pages/pages';
export { allPanels, createPageRenderer } from './pages/pages';
export type { DashboardParams } from './params';
export { allCurrencies, defaultParams, Grain, maxTop, paramsQuery, parseParams } from './params';
export type { QueryCatalog } from './queries/catalog';
export { createQueryCatalog, queryDefinitions } from './queries/catalog';
export type { QueryDefinition, Schemas } from './queries/definition';
export type { QueryRunner } from './query-runner';
export { createQueryRunner } from './query-runner';
export type { Dashboard, DashboardOptions } from './server';
export { dashboardHost, dashboardPort, startDashboard } from './server';
export type { CompiledSql } from './sql/placeholders';
export { compileSql, ParamName, valuesOf } from './sql/placeholders';
export type { StarSql } from './sql/star';
export { currentVersionsSql, starSql } from './sql/star';
export type {
  HealthReport,
  HealthSource,
  ModelHealth,
  NamedQuery,
  QueryResult,
  QueryRow,
  QueryValue,
  QueueHealth,
  TableHealth,
} from './types';
export { healthKey, PageName } from './types';
export { createReadOnlyPool, dashboardRole, ensureReadOnlyRole, statementTimeoutMs } from './warehouse';
