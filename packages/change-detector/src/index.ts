export { detectChanges } from './detect-changes';
export { ChangeDetectorError, ChangeDetectorErrorCode } from './errors';
export type { ChangeDetectorServiceOptions, DetectorLoop } from './service';
export { runDetectionCycle, startChangeDetector } from './service';
export type { DetectionResult, DetectorPorts, Rewound } from './types';
export { SkipReason } from './types';
