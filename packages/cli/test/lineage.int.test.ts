import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  facetSchemaPath,
  facetSchemaUrl,
  LoadCompleteEvent,
  newEnvelope,
  OpenLineageRunEvent,
  openLineageProducer,
  type TotesFacet,
  totesFacets,
} from '@totes/contracts';
import { platformTopology, ServiceName, TopicName } from '@totes/model';
import { type AwsClients, createAwsClients, createPublisher, provisionTopology } from '@totes/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

// The OpenLineage conformance of the load-complete events, on what a running platform publishes: a full load, an
// incremental run, and a load that fails for good. The spec file is not vendored: the events are checked against
// the project's zod mirror of RunEvent 2-0-2, and for the spec's rules its JSON Schema does not state.

interface Received {
  readonly event: LoadCompleteEvent;
  readonly raw: unknown;
  readonly attributes: Record<string, string | undefined>;
}

const repositoryRoot = new URL('../../../', import.meta.url);
/** An RFC 9562 UUID: version 1 to 8, the RFC variant. */
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const facetsByKey = new Map<string, TotesFacet>(
  Object.values(totesFacets).map((facet) => [facet.key, facet]),
);

/** Where the spec puts each facet the platform emits: run facets on the run, output facets on the outputs. */
const placement: Record<string, readonly string[]> = {
  'run.facets': ['parent', 'errorMessage', 'totes_load', 'totes_watermarks', 'totes_duration'],
  'job.facets': [],
  'inputs.facets': ['totes_lake'],
  'inputs.inputFacets': [],
  'outputs.facets': [],
  'outputs.outputFacets': ['outputStatistics'],
};

/** Every facet of an event, with where it sits. */
function facetsOf(event: LoadCompleteEvent): { at: string; key: string; facet: Record<string, unknown> }[] {
  const found: { at: string; key: string; facet: Record<string, unknown> }[] = [];
  const add = (at: string, facets: Record<string, Record<string, unknown>> | undefined) => {
    for (const [key, facet] of Object.entries(facets ?? {})) found.push({ at, key, facet });
  };
  add('run.facets', event.run.facets);
  add('job.facets', event.job.facets);
  for (const input of event.inputs) {
    add('inputs.facets', input.facets);
    add('inputs.inputFacets', input.inputFacets);
  }
  for (const output of event.outputs) {
    add('outputs.facets', output.facets);
    add('outputs.outputFacets', output.outputFacets);
  }
  return found;
}

describe('the load-complete events, as OpenLineage means them', () => {
  let t: TestPlatform;
  let clients: AwsClients;
  const received: Received[] = [];

  /** Receives from the probe until it is empty and `until` holds. */
  async function collect(probeUrl: string, until: (events: Received[]) => boolean): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: probeUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      received.push(...Messages.map(toReceived));
      if (Messages.length === 0 && until(received)) return;
      if (Date.now() > deadline) throw new Error(`gave up collecting after ${received.length} events`);
    }
  }

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01 });
    clients = createAwsClients({ region: t.config.region, endpoint: t.awsEndpoint });
    // A downstream queue hearing everything on load-complete, subscribed before the first run.
    const { queues } = await provisionTopology({
      sns: clients.sns,
      sqs: clients.sqs,
      stage: t.config.stage,
      topology: {
        topics: platformTopology().topics,
        inboxEvents: platformTopology().inboxEvents,
        queues: [
          {
            name: 'lineage-probe',
            topic: TopicName.loadComplete,
            consumer: ServiceName.warehouseLoader,
            deadLetterQueue: 'lineage-probe-dlq',
            maxReceiveCount: 5,
          },
        ],
      },
    });
    await t.runOnce();
    await t.source.query(`UPDATE staff SET last_updated = now() WHERE staff_id = 1`);
    await t.runOnce();
    // A build the loader refuses for good (dim_staff is no fact): a FAIL event.
    await createPublisher(clients.sns, t.platform.endpoints.topics).publish(TopicName.built, {
      ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
      type: 'model.built',
      model: 'dim_staff',
      kind: 'fact',
      table: 'staff',
      object: {
        key: 'processed/dim_staff/none',
        parts: ['processed/dim_staff/none/part-00000.parquet'],
        rows: 1,
        bytes: 1,
      },
    });
    await collect(queues['lineage-probe']!.url, (events) =>
      events.some(({ event }) => event.eventType === 'FAIL'),
    );
  });
  afterAll(async () => {
    clients?.sqs.destroy();
    clients?.sns.destroy();
    clients?.s3.destroy();
    await t?.dispose();
  });

  it('publishes every kind of event: STARTs, COMPLETEs and a FAIL, of loads and of runs', () => {
    const kinds = new Set(received.map(({ event }) => `${event.type} ${event.eventType}`));

    expect([...kinds].sort()).toEqual([
      'model.loaded COMPLETE',
      'model.loaded FAIL',
      'model.loading START',
      'run.completed COMPLETE',
      'run.started START',
    ]);
  });

  it('validates every event against the zod mirror of the OpenLineage RunEvent 2-0-2', () => {
    const invalid = received.filter(({ raw }) => !OpenLineageRunEvent.safeParse(raw).success);

    expect(invalid.map(({ event }) => `${event.type} ${event.id}`)).toEqual([]);
  });

  it('puts each facet where the spec puts its kind: outputStatistics among the output facets', () => {
    const misplaced = received
      .flatMap(({ event }) => facetsOf(event))
      .filter(({ at, key }) => !placement[at]?.includes(key))
      .map(({ at, key }) => `${key} in ${at}`);

    expect([...new Set(misplaced)]).toEqual([]);
    const completed = received.find(
      ({ event }) => event.type === 'model.loaded' && event.eventType === 'COMPLETE',
    );
    expect(completed?.event.outputs[0]?.outputFacets).toHaveProperty('outputStatistics');
  });

  it('gives every facet its _producer, and a _schemaURL at the versioned JSON Schema of that facet', () => {
    for (const { key, facet } of received.flatMap(({ event }) => facetsOf(event))) {
      expect(facet._producer, key).toBe(openLineageProducer);
      const custom = facetsByKey.get(key);
      if (custom) {
        expect(facet._schemaURL, key).toBe(facetSchemaUrl(custom));
        expect(existsSync(new URL(facetSchemaPath(custom), repositoryRoot)), key).toBe(true);
        expect(custom.schema.safeParse(facet).error, key).toBeUndefined();
      } else {
        // The spec's own facets: `…/spec/facets/<version>/<Name>.json#/$defs/<Name>`.
        expect(facet._schemaURL, key).toMatch(
          /^https:\/\/openlineage\.io\/spec\/facets\/\d+-\d+-\d+\/(\w+)\.json#\/\$defs\/\1$/,
        );
      }
    }
  });

  it('starts every run before it completes or fails, and ends every run it starts', () => {
    const byRun = new Map<string, Received[]>();
    for (const entry of received)
      byRun.set(entry.event.run.runId, [...(byRun.get(entry.event.run.runId) ?? []), entry]);
    for (const [runId, events] of byRun) {
      const times = (types: readonly string[]) =>
        events
          .filter(({ event }) => types.includes(event.eventType))
          .map(({ event }) => Date.parse(event.eventTime));
      const starts = times(['START']);
      const ends = times(['COMPLETE', 'FAIL']);

      expect(starts.length, `START of ${runId}`).toBeGreaterThan(0);
      expect(ends.length, `end of ${runId}`).toBeGreaterThan(0);
      expect(Math.min(...starts), runId).toBeLessThanOrEqual(Math.min(...ends));
    }
  });

  it('names datasets by the conventions: file and an absolute path for the lake, Postgres without credentials', () => {
    const datasets = received.flatMap(({ event }) => [...event.inputs, ...event.outputs]);
    const lake = datasets.filter((dataset) => dataset.namespace === 'file');
    const postgres = datasets.filter((dataset) => dataset.namespace.startsWith('postgres://'));

    expect(lake.length).toBeGreaterThan(0);
    for (const { name } of lake) {
      expect(isAbsolute(name), name).toBe(true);
      expect(name.startsWith(`${t.config.lakeUrl}/processed/`), name).toBe(true);
    }
    for (const { namespace, name } of postgres) {
      expect(namespace).toMatch(/^postgres:\/\/[^/@:]+:\d+$/);
      expect(name).toMatch(/^[a-z_]+\.[a-z_]+\.[a-z_0-9]+$/);
    }
    expect(lake.length + postgres.length).toBe(datasets.length);
  });

  it('stamps every event with a zone, and identifies every run, and its parent, by a UUID', () => {
    for (const { event } of received) {
      expect(event.eventTime).toMatch(/T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
      expect(event.run.runId).toMatch(uuid);
      const parent = event.run.facets?.parent as { run: { runId: string } } | undefined;
      if (parent) expect(parent.run.runId).toMatch(uuid);
    }
  });

  it('labels every event with its type and its eventType (`status`), so a consumer may filter STARTs out', () => {
    for (const { event, attributes } of received) {
      expect(attributes).toMatchObject({ type: event.type, status: event.eventType, stage: t.config.stage });
    }
  });
});

function toReceived(message: Message): Received {
  const raw: unknown = JSON.parse(message.Body ?? '');
  return {
    raw,
    event: LoadCompleteEvent.parse(raw),
    attributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]),
    ),
  };
}
