import { type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * What a downstream team wants to hear about: any of the message attributes the platform sets. `status` is the
 * OpenLineage eventType: `['COMPLETE', 'FAIL']` leaves the STARTs out.
 */
export interface LoadCompleteFilter {
  type?: ('model.loading' | 'model.loaded' | 'run.started' | 'run.completed')[];
  model?: string[];
  kind?: ('dimension' | 'fact' | 'run')[];
  status?: ('START' | 'COMPLETE' | 'FAIL')[];
  stage?: string[];
}

/**
 * Creates the team's own queue and subscribes it to the platform's `load-complete` topic with a filter policy, so
 * the queue receives only the events the team cares about (say, `{ model: ['fact_sales_order'], kind: ['run'] }`
 * is an AND; use two subscriptions for an OR). Raw delivery: the queue receives the event JSON itself.
 */
export async function subscribeToLoadComplete(options: {
  sns: SNSClient;
  sqs: SQSClient;
  topicArn: string;
  queueName: string;
  filter?: LoadCompleteFilter;
}): Promise<string> {
  const { QueueUrl } = await options.sqs.send(new CreateQueueCommand({ QueueName: options.queueName }));
  if (!QueueUrl) throw new Error(`could not create queue ${options.queueName}`);
  const { Attributes } = await options.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await options.sns.send(
    new SubscribeCommand({
      TopicArn: options.topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: {
        RawMessageDelivery: 'true',
        ...(options.filter ? { FilterPolicy: JSON.stringify(options.filter) } : {}),
      },
    }),
  );
  return QueueUrl;
}
