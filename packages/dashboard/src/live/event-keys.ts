import type { LoadCompleteEvent } from '@totes/contracts';
import { healthKey } from '../types';

/**
 * What a load-complete event changes: a model loaded changes its panels and the health page; a failed load or a
 * run's end only the health page; a START nothing yet.
 */
export function changedKeys(event: LoadCompleteEvent): string[] {
  if (event.type === 'model.loaded')
    return event.eventType === 'COMPLETE' ? [event.model, healthKey] : [healthKey];
  if (event.type === 'run.completed') return [healthKey];
  return [];
}
