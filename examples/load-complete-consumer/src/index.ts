export { consumeLoadComplete, LoadCompleteEvent } from './consume';
export type { InFlight, LoadsInFlight } from './in-flight';
export { trackLoadsInFlight } from './in-flight';
export type { LoadCompleteFilter } from './subscribe';
export { subscribeToLoadComplete } from './subscribe';
