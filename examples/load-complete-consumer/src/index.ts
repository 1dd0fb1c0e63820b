export { consumeLoadComplete, LoadCompleteEvent } from './consume';
export type { LoadCompleteFilter } from './subscribe';
export { subscribeToLoadComplete } from './subscribe';
