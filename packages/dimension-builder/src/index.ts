export { buildDimension } from './build-dimension';
export { DimensionBuilderError, DimensionBuilderErrorCode, NotADependencyError } from './errors';
export type { DimensionBuilderServiceOptions } from './service';
export { startDimensionBuilder } from './service';
export type { BuilderPorts } from './types';
