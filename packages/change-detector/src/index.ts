export { detectChanges } from './detect-changes';
export { ChangeDetectorError, ChangeDetectorErrorCode } from './errors';
export { runDetectionCycle, startChangeDetector } from './service';
export type { ChangeDetectorServiceOptions, DetectorLoop } from './service';
export { SkipReason } from './types';
export type { DetectionResult, DetectorPorts } from './types';
