import { Readable } from 'node:stream';
import { FileChanged, newEnvelope, type TableExtracted } from '@totes/contracts';
import type { InboxPolicy, Row } from '@totes/model';
import { type ExtractionEntry, type InboxEntry, inboxRawKey, noHeldRows } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { InboxFileChangedError } from '../errors';
import { zstd } from '../testing';
import type { ExtractorPorts, InboxPorts } from '../types';
import { extractFile } from './extract-file';

const header = 'design_id,created_at,design_name,file_location,file_name,last_updated';
const good = `${header}\n1,2024-11-01 00:00:00,Tote,/d,a.json,2024-11-02 10:00:00.5\n2,2024-11-01 00:00:00,Bag,/d,b.json,2024-11-02 11:00:00\n`;

function request(key = 'design/a.csv'): FileChanged {
  return FileChanged.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
    type: 'table.changed',
    kind: 'file',
    table: 'design',
    file: { key, version: 'v1', bytes: 100 },
  });
}

/** Ports over files held in memory (`contents` are what each read returns, in turn) and a ledger that claims for `message`. */
function fakePorts(
  message: FileChanged,
  contents: (string | Uint8Array)[],
  options: { claimId?: string; ownerOfBytes?: string; policy?: InboxPolicy; replayPolicy?: string } = {},
) {
  const calls: string[] = [];
  const written: { key: string; rows: Row[] }[] = [];
  const published: TableExtracted[] = [];
  const recorded: ExtractionEntry[] = [];
  const ledgerCalls: unknown[][] = [];
  let reads = 0;
  const entry = {
    state: 'claimed',
    claimId: options.claimId ?? message.id,
    duplicateOf: null,
    policy: options.replayPolicy ?? null,
  } as InboxEntry;
  const inbox: InboxPorts = {
    async readFile() {
      calls.push('readFile');
      const text = contents[Math.min(reads, contents.length - 1)] ?? '';
      reads += 1;
      return Readable.from([Buffer.from(text)]);
    },
    ledger: {
      get: async () => entry,
      async recordContent(...args) {
        ledgerCalls.push(['recordContent', ...args]);
        return options.ownerOfBytes ?? null;
      },
      async markLoaded(...args) {
        calls.push('markLoaded');
        ledgerCalls.push(['markLoaded', ...args]);
      },
      async quarantine(...args) {
        ledgerCalls.push(['quarantine', ...args]);
      },
      async recordRejects(...args) {
        ledgerCalls.push(['recordRejects', ...args]);
      },
    },
    ...(options.policy ? { policyOf: () => options.policy as InboxPolicy } : {}),
  };
  const fakes: Partial<ExtractorPorts> = {
    inbox,
    async writeDataset(key, _columns, batches) {
      calls.push('writeDataset');
      const rows: Row[] = [];
      for await (const batch of batches) rows.push(...batch);
      written.push({ key, rows });
      return { key, parts: [`${key}/part-00000.parquet`], rows: rows.length, bytes: 1 };
    },
    async publish(extracted) {
      calls.push('publish');
      published.push(extracted);
    },
    watermarks: {
      get: async (table) => ({ table, watermark: null, claim: null, marginRows: 0, held: noHeldRows }),
      advance: async () => {
        throw new Error('a file never moves a watermark');
      },
      claim: async () => {},
      releaseAllClaims: async () => {},
      rewindBeyond: async () => {
        throw new Error('a file never moves a watermark back');
      },
    },
    runs: {
      async recordExtraction(recordedEntry) {
        calls.push('recordExtraction');
        recorded.push(recordedEntry);
      },
    },
    async completeRun() {
      calls.push('completeRun');
    },
  };
  return { ports: fakes as ExtractorPorts, calls, written, published, recorded, ledgerCalls };
}

describe('extractFile', () => {
  it('writes a claimed file to a raw folder named by the file, announces it as kind file, then marks it loaded', async () => {
    const message = request();
    const fake = fakePorts(message, [good]);

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ kind: 'file', result: 'loaded' });
    expect(fake.written).toEqual([{ key: inboxRawKey('design', message.file), rows: expect.any(Array) }]);
    expect(fake.written[0]?.rows[0]).toEqual({
      design_id: 1,
      created_at: '2024-11-01T00:00:00.000',
      design_name: 'Tote',
      file_location: '/d',
      file_name: 'a.json',
      last_updated: '2024-11-02T10:00:00.500',
    });
    expect(fake.published).toEqual([
      expect.objectContaining({ kind: 'file', table: 'design', file: message.file, causationId: message.id }),
    ]);
    expect(fake.recorded).toEqual([
      expect.objectContaining({ runId: message.runId, rows: 2, lastRow: null, models: ['dim_design'] }),
    ]);
    expect(fake.calls).toEqual([
      'readFile',
      'readFile',
      'writeDataset',
      'recordExtraction',
      'publish',
      'markLoaded',
    ]);
    expect(fake.ledgerCalls.at(-1)).toEqual([
      'markLoaded',
      message.file,
      { read: 2, loaded: 2, rejected: 0 },
    ]);
  });

  it('writes only the row with the latest last_updated of a key the file gives twice, and counts both as read', async () => {
    const message = request();
    const fake = fakePorts(message, [
      `${header}\n1,2024-11-01 00:00:00,New,/d,a.json,2024-11-03 00:00:00\n2,2024-11-01 00:00:00,Bag,/d,b.json,2024-11-02 00:00:00\n1,2024-11-01 00:00:00,Old,/d,a.json,2024-11-02 00:00:00\n`,
    ]);

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'loaded', superseded: 1 });
    expect(fake.written[0]?.rows.map((row) => [row.design_id, row.design_name])).toEqual([
      [1, 'New'],
      [2, 'Bag'],
    ]);
    expect(fake.ledgerCalls.at(-1)).toEqual([
      'markLoaded',
      message.file,
      { read: 3, loaded: 2, rejected: 0 },
    ]);
  });

  it('reads a file in the format and compression its key names: zstd-compressed JSON Lines', async () => {
    const message = request('design/rows.jsonl.zst');
    const json = `${JSON.stringify({ design_id: 7, created_at: '2024-11-01T00:00:00', design_name: 'Tote', file_location: '/d', file_name: 'a.json', last_updated: '2024-11-02T10:00:00.5' })}\n`;
    const fake = fakePorts(message, [await zstd(Buffer.from(json))]);

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'loaded' });
    expect(fake.written[0]?.rows).toEqual([
      {
        design_id: 7,
        created_at: '2024-11-01T00:00:00.000',
        design_name: 'Tote',
        file_location: '/d',
        file_name: 'a.json',
        last_updated: '2024-11-02T10:00:00.500',
      },
    ]);
  });

  it('reads nothing for a message that no longer holds the claim, and closes its part of the run', async () => {
    const message = request();
    const fake = fakePorts(message, [good], { claimId: crypto.randomUUID() });

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'stale', extracted: null });
    expect(fake.calls).toEqual(['recordExtraction', 'completeRun']);
    expect(fake.recorded[0]).toMatchObject({ rows: 0, models: [] });
  });

  it('quarantines a bad file with its reason, writing and announcing nothing', async () => {
    const message = request();
    const fake = fakePorts(message, [`${header}\n1,2024-11-01 00:00:00,Tote,/d,a.json,soon\n`]);

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'quarantined' });
    const reason = 'line 2, column last_updated: "soon" is not a timestamp (YYYY-MM-DD HH:MM:SS[.mmm])';
    expect(fake.ledgerCalls).toEqual([
      [
        'recordRejects',
        message.file,
        [
          {
            place: 'line',
            at: 2,
            column: 'last_updated',
            reason,
            raw: '1,2024-11-01 00:00:00,Tote,/d,a.json,soon',
          },
        ],
      ],
      ['quarantine', message.file, reason, { read: 1, rejected: 1 }],
    ]);
    expect(fake.calls).toEqual(['readFile', 'recordExtraction', 'completeRun']);
  });

  it('loads nothing of a file whose bytes another file owns', async () => {
    const message = request('design/copy.csv');
    const fake = fakePorts(message, [good], { ownerOfBytes: 'design/a.csv' });

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'duplicate', duplicateOf: 'design/a.csv' });
    expect(fake.calls).not.toContain('writeDataset');
    expect(fake.ledgerCalls.at(-1)).toEqual([
      'markLoaded',
      message.file,
      { read: 2, loaded: 0, rejected: 0 },
    ]);
  });

  it('does not announce parts whose bytes changed between the read that checked them and the read that wrote them', async () => {
    const message = request();
    const fake = fakePorts(message, [good, good.replace('Tote', 'Toad')]);

    await expect(extractFile(message, fake.ports)).rejects.toThrow(InboxFileChangedError);
    expect(fake.calls).not.toContain('publish');
    expect(fake.calls).not.toContain('markLoaded');
  });

  const oneBadOfThree = `${good}3,2024-11-01 00:00:00,Box,/d,c.json,soon\n`;

  it('under skip, loads the good rows of a file whose bad rows are within its rate, and records the rejects', async () => {
    const message = request();
    const fake = fakePorts(message, [oneBadOfThree], { policy: { onBadRow: 'skip', maxErrorRate: 0.5 } });

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'loaded', rejected: 1 });
    expect(fake.written[0]?.rows.map((row) => row.design_id)).toEqual([1, 2]);
    expect(fake.ledgerCalls[0]).toEqual([
      'recordRejects',
      message.file,
      [
        expect.objectContaining({
          at: 4,
          column: 'last_updated',
          raw: '3,2024-11-01 00:00:00,Box,/d,c.json,soon',
        }),
      ],
    ]);
    expect(fake.ledgerCalls.at(-1)).toEqual([
      'markLoaded',
      message.file,
      { read: 3, loaded: 2, rejected: 1 },
    ]);
  });

  it('under skip, quarantines a file with more bad rows than its rate allows, writing nothing', async () => {
    const message = request();
    const fake = fakePorts(message, [oneBadOfThree], { policy: { onBadRow: 'skip', maxErrorRate: 0.1 } });

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'quarantined' });
    expect(outcome.reason).toMatch(
      /^1 of 3 rows rejected, more than the 0 that design's policy skip:10% allows; the first: line 4, column last_updated/,
    );
    expect(fake.calls).not.toContain('writeDataset');
    expect(fake.ledgerCalls.map(([call]) => call)).toEqual(['recordRejects', 'quarantine']);
  });

  it("reads a replayed file under the policy its replay asked for, over its table's", async () => {
    const message = request();
    const fake = fakePorts(message, [oneBadOfThree], { replayPolicy: 'skip:50%' });

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'loaded', rejected: 1 });
  });

  it('writes the columns the catalog does not know in _rescued, null for a line that has none', async () => {
    const message = request('design/rows.jsonl');
    const design = (id: number, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        design_id: id,
        created_at: '2024-11-01T00:00:00',
        design_name: 'Tote',
        file_location: '/d',
        file_name: 'a.json',
        last_updated: '2024-11-02T10:00:00',
        ...extra,
      });
    const fake = fakePorts(message, [`${design(1)}\n${design(2, { note: 'keep me' })}\n`]);

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ result: 'loaded', unknownColumns: ['note'] });
    expect(fake.written[0]?.rows.map((row) => row._rescued)).toEqual([null, '{"note":"keep me"}']);
  });
});
