import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { UnknownQueueError } from '@totes/aws-entry';
import { platformTopology, scopedName } from '@totes/model';

const deadLetterUrls = new Map<string, Promise<string>>();

/**
 * The URL of `totes-<stage>-inbox-events-dlq`, in the account of the queue a record came from (its
 * `eventSourceARN`), looked up once per container; a failed lookup is tried again by the next record.
 */
export function inboxEventsDeadLetterUrl(sqs: SQSClient, stage: string, queueArn: string): Promise<string> {
  let url = deadLetterUrls.get(queueArn);
  if (!url) {
    const account = queueArn.split(':')[4];
    const name = scopedName(stage, platformTopology().inboxEvents.deadLetterQueue);
    url = sqs
      .send(
        new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }),
      )
      .then(({ QueueUrl }) => {
        if (!QueueUrl) throw new UnknownQueueError(queueArn);
        return QueueUrl;
      });
    url.catch(() => deadLetterUrls.delete(queueArn));
    deadLetterUrls.set(queueArn, url);
  }
  return url;
}
