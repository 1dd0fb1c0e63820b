export { buildDimension } from './build-dimension';
export { DimensionBuilderError, DimensionBuilderErrorCode, NotADependencyError } from './errors';
export { startDimensionBuilder } from './service';
export type { DimensionBuilderServiceOptions } from './service';
export type { BuilderPorts } from './types';
