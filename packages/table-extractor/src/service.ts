import type { SQSClient } from '@aws-sdk/client-sqs';
import { MessageType } from '@totes/contracts';
import { ServiceName } from '@totes/model';
import { type Consumer, type Logger, type QueueEndpoint, startWorker } from '@totes/runtime';
import { extractTable } from './extract-table';
import { logExtractionOutcome } from './log-outcome';
import type { ExtractionResult, ExtractorPorts } from './types';

export interface TableExtractorServiceOptions {
  sqs: SQSClient;
  queue: QueueEndpoint;
  ports: ExtractorPorts;
  logger: Logger;
  onExtracted?: (result: ExtractionResult) => void;
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
      const outcome = await extractTable(message, options.ports);
      logExtractionOutcome(outcome, log);
      if (outcome.kind === 'extracted') options.onExtracted?.(outcome);
    },
  });
}
