export { VerifyError, VerifyErrorCode } from './errors';
export { formatReport, ReportMark } from './format-report';
export type { RunVerifyOptions } from './run-verify';
export { runVerify, VerifyExitCode, VerifyVariable } from './run-verify';
export type { CheckResult, Difference, VerifyOptions, VerifyReport } from './types';
export { CheckName, DifferenceKind, defaultSampleLimit } from './types';
export { verifyWarehouse } from './verify-warehouse';
