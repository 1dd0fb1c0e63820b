export { buildFact } from './build-fact';
export { FactBuilderError, FactBuilderErrorCode, NotFactSourceError } from './errors';
export type { FactBuilderServiceOptions } from './service';
export { startFactBuilder } from './service';
export type { FactBuilderPorts } from './types';
