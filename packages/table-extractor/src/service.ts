import type { SQSClient } from '@aws-sdk/client-sqs';
import { MessageType, type TableExtracted } from '@totes/contracts';
import { ServiceName } from '@totes/model';
import { type Consumer, type Logger, type QueueEndpoint, startWorker } from '@totes/runtime';
import { handleChange } from './handle-change';
import { logExtractionOutcome } from './log-outcome';
import type { ExtractorPorts } from './types';

export interface TableExtractorServiceOptions {
  sqs: SQSClient;
  queue: QueueEndpoint;
  ports: ExtractorPorts;
  logger: Logger;
  /** Called with each announced extraction: a window's rows, or a delete check's tombstones. */
  onExtracted?: (extracted: TableExtracted) => void;
}

/** The table-extractor's local poller: `changes` in, raw Parquet in the lake, `extracted` out. */
export function startTableExtractor(options: TableExtractorServiceOptions): Consumer {
  const logger = options.logger.child({ service: ServiceName.tableExtractor });
  return startWorker({
    service: ServiceName.tableExtractor,
    sqs: options.sqs,
    queue: options.queue,
    accepts: [MessageType.tableChanged],
    logger,
    concurrency: 2,
    handle: async (message, log) => {
      const outcome = await handleChange(message, options.ports);
      logExtractionOutcome(outcome, log);
      if (outcome.kind !== 'stopped' && outcome.extracted) options.onExtracted?.(outcome.extracted);
    },
  });
}
