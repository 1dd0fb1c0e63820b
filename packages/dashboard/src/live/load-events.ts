import { ListTopicsCommand, type SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { LoadCompleteEvent } from '@totes/contracts';
import { scopedName, TopicName } from '@totes/model';
import { DashboardError, DashboardErrorCode } from '../errors';

/** The dashboard's own subscription to `load-complete`, as any downstream team subscribes. */
export interface LoadEventSubscription {
  readonly queueUrl: string;
  /** Stops receiving, removes the subscription and deletes the queue. */
  stop(): Promise<void>;
}

/** The events the dashboard listens for: a model's load ending (loaded or failed), a run's end. */
export const dashboardFilterPolicy = { type: ['model.loaded', 'run.completed'] } as const;

/** The ARN of a stage's `load-complete` topic, found by its name: the dashboard creates no topic. */
export async function findLoadCompleteTopic(sns: SNSClient, stage: string): Promise<string> {
  const suffix = `:${scopedName(stage, TopicName.loadComplete)}`;
  let next: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken: next }));
    const found = page.Topics?.find((topic) => topic.TopicArn?.endsWith(suffix));
    if (found?.TopicArn) return found.TopicArn;
    next = page.NextToken;
  } while (next);
  throw new DashboardError(
    DashboardErrorCode.topicNotFound,
    `no topic ${scopedName(stage, TopicName.loadComplete)}: is the platform of stage ${stage} running?`,
  );
}

/**
 * Creates the dashboard's queue, subscribes it to `load-complete` with raw delivery and {@link dashboardFilterPolicy},
 * and hands each valid event to `onEvent` as it arrives (long polls of `waitSeconds`). An event that does not parse
 * is dropped with a call to `onError`: the dashboard only refreshes panels, so nothing is lost but a refresh.
 */
export async function subscribeLoadEvents(options: {
  sns: SNSClient;
  sqs: SQSClient;
  topicArn: string;
  queueName: string;
  onEvent: (event: LoadCompleteEvent) => void;
  onError?: (error: Error) => void;
  waitSeconds?: number;
}): Promise<LoadEventSubscription> {
  const { sns, sqs } = options;
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: options.queueName }));
  if (!queueUrl)
    throw new DashboardError(DashboardErrorCode.subscribeFailed, `no queue ${options.queueName}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn: options.topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      ReturnSubscriptionArn: true,
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(dashboardFilterPolicy) },
    }),
  );
  const abort = new AbortController();
  const loop = receiveLoop({ ...options, queueUrl, signal: abort.signal });
  return {
    queueUrl,
    async stop() {
      abort.abort();
      await loop;
      if (SubscriptionArn) await sns.send(new UnsubscribeCommand({ SubscriptionArn })).catch(() => {});
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => {});
    },
  };
}

async function receiveLoop(options: {
  sqs: SQSClient;
  queueUrl: string;
  signal: AbortSignal;
  onEvent: (event: LoadCompleteEvent) => void;
  onError?: (error: Error) => void;
  waitSeconds?: number;
}): Promise<void> {
  while (!options.signal.aborted) {
    try {
      const { Messages = [] } = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: options.waitSeconds ?? 1,
        }),
        { abortSignal: options.signal },
      );
      for (const message of Messages) handle(message.Body, options);
      if (Messages.length > 0)
        await options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: Messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
    } catch (error) {
      if (options.signal.aborted) return;
      options.onError?.(error as Error);
      // A queue that cannot be read now is tried again shortly, not in a tight loop.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

function handle(
  body: string | undefined,
  options: { onEvent: (event: LoadCompleteEvent) => void; onError?: (error: Error) => void },
): void {
  try {
    options.onEvent(LoadCompleteEvent.parse(JSON.parse(body ?? '')));
  } catch (error) {
    options.onError?.(
      new Error(`a load-complete event that does not parse was dropped: ${(error as Error).message}`),
    );
  }
}
