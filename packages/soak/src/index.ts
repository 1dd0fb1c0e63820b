export type { DrainOptions, DrainResult } from './drain';
export { drainPipeline, sourceCaughtUp } from './drain';
export {
  SoakAbortedError,
  SoakError,
  SoakErrorCode,
  SoakOptionsError,
  SoakProxyError,
  SoakServiceError,
} from './errors';
export type { FaultPlanInput } from './fault-plan';
export { countByKind, defaultFaultDurations, planFaults } from './fault-plan';
export { truncateLakeObject } from './lake-faults';
export type { LakeWriteProxy } from './lake-write-proxy';
export { isLakeWrite, startLakeWriteProxy } from './lake-write-proxy';
export type { MessageTap } from './message-tap';
export { startMessageTap, topicOfType } from './message-tap';
export type { MutationTally } from './mutations';
export { applyMutations, planMutations } from './mutations';
export { parseSoakArgs, soakUsage } from './options';
export { corruptPartOf, reExtractionOf } from './re-extraction';
export { runSoak, soakServiceSettings } from './run-soak';
export type { ServiceCounters, ServiceProcesses, ServiceProcessOptions } from './service-processes';
export { countLogLine, startServiceProcesses, WorkerLogMessage } from './service-processes';
export { formatSoakSummary, summaryProblems } from './summary';
export type { TcpProxy } from './tcp-proxy';
export { startTcpProxy, throughProxy } from './tcp-proxy';
export type { FaultDurations, ScheduledFault, SoakOptions, SoakSummary } from './types';
export { allFaultKinds, FaultKind } from './types';
