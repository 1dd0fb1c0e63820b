export { DeleteCheckDecision, deleteCheckDecision, requestDeleteChecks } from './delete-checks';
export { detectChanges } from './detect-changes';
export { ChangeDetectorError, ChangeDetectorErrorCode } from './errors';
export { runStartedEvent } from './run-started';
export type { ChangeDetectorServiceOptions, DetectorLoop } from './service';
export { runDetectionCycle, startChangeDetector } from './service';
export type { DetectionOptions, DetectionResult, DetectorPorts, Rewound } from './types';
export { SkipReason } from './types';
