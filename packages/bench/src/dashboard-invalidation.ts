import type { SNSClient } from '@aws-sdk/client-sns';
import { ModelBuilt, newEnvelope } from '@totes/contracts';
import { dependenciesOf, TopicName, warehouseModels } from '@totes/model';
import { createPublisher, type LineageNamespaces } from '@totes/runtime';
import { modelLoadedEvent } from '@totes/warehouse-loader';
import { BenchError, BenchErrorCode } from './errors';

/** Empties the dashboard's caches the way a load does, and says when it has. */
export interface DashboardInvalidator {
  /** Announces a load of every model; resolves once the dashboard has told an open page of all of them. */
  invalidateAll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the dashboard's own change stream (`/events`, as a page does), then, per call, publishes a `model.loaded`
 * (COMPLETE) of every model on `load-complete`, exactly as the loader announces a load. The dashboard forgets each
 * model's cached aggregates and drawn panels before it tells the stream, so the next request after the stream has
 * named every model is a cold one: the first after an invalidation.
 */
export async function openDashboardInvalidator(options: {
  dashboardUrl: string;
  sns: SNSClient;
  topicArn: string;
  stage: string;
  namespaces: LineageNamespaces;
  timeoutMs: number;
}): Promise<DashboardInvalidator> {
  const stream = await openChangeStream(options.dashboardUrl);
  const topics = Object.fromEntries(Object.values(TopicName).map((name) => [name, options.topicArn]));
  const publisher = createPublisher(options.sns, topics as Record<TopicName, string>, {
    stage: options.stage,
  });
  const models = warehouseModels.map((model) => model.name);
  return {
    async invalidateAll() {
      const told = stream.waitFor(models, options.timeoutMs);
      for (const model of warehouseModels) {
        await publisher.publish(
          TopicName.loadComplete,
          loadedEvent(model.name, model.kind, dependenciesOf(model)[0] ?? 'sales_order', options.namespaces),
        );
      }
      await told;
    },
    close: stream.close,
  };
}

/** The `model.loaded` the loader publishes after loading a model (nothing was written: the bench only announces). */
function loadedEvent(
  model: string,
  kind: 'fact' | 'dimension',
  table: string,
  namespaces: LineageNamespaces,
) {
  const built = ModelBuilt.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() }),
    type: 'model.built',
    model,
    kind,
    table,
    object: {
      key: `processed/${model}/bench`,
      parts: [`processed/${model}/bench/part-00000.parquet`],
      rows: 0,
      bytes: 0,
    },
  });
  return modelLoadedEvent(built, namespaces, {
    eventType: 'COMPLETE',
    outcome: { received: 0, written: 0, firstDelivery: true },
    durationMs: 0,
  });
}

interface ChangeStream {
  /** Resolves once `changed` events since this call have named every key. */
  waitFor(keys: readonly string[], timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Reads the dashboard's Server-Sent Events as an open page does, keeping the keys of each `changed` event. */
async function openChangeStream(dashboardUrl: string): Promise<ChangeStream> {
  const abort = new AbortController();
  const response = await fetch(`${dashboardUrl}events`, { signal: abort.signal });
  if (!response.ok || !response.body)
    throw new BenchError(
      BenchErrorCode.dashboardFailed,
      `the dashboard's /events answered ${response.status}`,
    );
  const reader = response.body.getReader();
  let waiter: { missing: Set<string>; done: () => void } | undefined;
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const onEvent = (name: string, data: string) => {
    if (name === 'ready') ready();
    if (name !== 'changed' || !waiter) return;
    for (const key of (JSON.parse(data) as { keys: string[] }).keys) waiter.missing.delete(key);
    if (waiter.missing.size === 0) waiter.done();
  };
  const pump = readEvents(reader, onEvent).catch(() => {});
  await isReady;
  return {
    waitFor(keys, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(
            new BenchError(
              BenchErrorCode.timedOut,
              `the dashboard did not announce a load within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        waiter = {
          missing: new Set(keys),
          done: () => {
            clearTimeout(timer);
            waiter = undefined;
            resolve();
          },
        };
      });
    },
    async close() {
      abort.abort();
      await pump;
    },
  };
}

async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  onEvent: (name: string, data: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    text += decoder.decode(value, { stream: true });
    let end = text.indexOf('\n\n');
    while (end >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name && data !== undefined) onEvent(name, data);
      end = text.indexOf('\n\n');
    }
  }
}
