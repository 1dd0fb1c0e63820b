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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Ports over files held in memory (`contents` are what each read returns, in turn, or `byKey` each file's bytes) and
 * a ledger that claims every file for `message` and keeps each file's state, as the real one does.
 */
function fakePorts(
  message: FileChanged,
  contents: (string | Uint8Array)[],
  options: {
    claimId?: string;
    ownerOfBytes?: string;
    owners?: Record<string, string>;
    byKey?: Record<string, string>;
    policy?: InboxPolicy;
    replayPolicy?: string;
  } = {},
) {
  const calls: string[] = [];
  const written: { key: string; rows: Row[] }[] = [];
  const published: TableExtracted[] = [];
  const recorded: ExtractionEntry[] = [];
  const ledgerCalls: unknown[][] = [];
  let reads = 0;
  const entries = new Map<string, Mutable<InboxEntry>>();
  const entryOf = (key: string) => {
    const entry = entries.get(key) ?? {
      ...({} as InboxEntry),
      state: 'claimed',
      claimId: options.claimId ?? message.id,
      duplicateOf: null,
      rowsRejected: null,
      policy: options.replayPolicy ?? null,
    };
    entries.set(key, entry);
    return entry;
  };
  const inbox: InboxPorts = {
    async readFile(key) {
      calls.push('readFile');
      const text = options.byKey
        ? (options.byKey[key] ?? '')
        : (contents[Math.min(reads, contents.length - 1)] ?? '');
      reads += 1;
      return Readable.from([Buffer.from(text)]);
    },
    ledger: {
      get: async (file) => entryOf(file.key),
      async recordContent(...args) {
        ledgerCalls.push(['recordContent', ...args]);
        const owner = options.owners?.[args[0].key] ?? options.ownerOfBytes ?? null;
        entryOf(args[0].key).duplicateOf = owner;
        return owner;
      },
      async markLoaded(...args) {
        calls.push('markLoaded');
        ledgerCalls.push(['markLoaded', ...args]);
        Object.assign(entryOf(args[0].key), { state: 'loaded', rowsRejected: args[1].rejected ?? 0 });
      },
      async quarantine(...args) {
        ledgerCalls.push(['quarantine', ...args]);
        entryOf(args[0].key).state = 'quarantined';
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

    expect(outcome).toMatchObject({ kind: 'file', files: [{ result: 'loaded', rows: 2 }] });
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
    // The second read streams into the dataset as it is written.
    expect(fake.calls).toEqual([
      'readFile',
      'writeDataset',
      'readFile',
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

    expect(outcome).toMatchObject({ files: [{ result: 'loaded', superseded: 1 }] });
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

    expect(outcome).toMatchObject({ files: [{ result: 'loaded' }] });
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

    expect(outcome).toMatchObject({ files: [{ result: 'stale' }], extracted: null });
    expect(fake.calls).toEqual(['recordExtraction', 'completeRun']);
    expect(fake.recorded[0]).toMatchObject({ rows: 0, models: [] });
  });

  it('quarantines a bad file with its reason, writing and announcing nothing', async () => {
    const message = request();
    const fake = fakePorts(message, [`${header}\n1,2024-11-01 00:00:00,Tote,/d,a.json,soon\n`]);

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ files: [{ result: 'quarantined' }] });
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

    expect(outcome).toMatchObject({ files: [{ result: 'duplicate', duplicateOf: 'design/a.csv' }] });
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

    expect(outcome).toMatchObject({ files: [{ result: 'loaded', rejected: 1 }] });
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

    expect(outcome).toMatchObject({ files: [{ result: 'quarantined' }] });
    expect(outcome.files[0]?.reason).toMatch(
      /^1 of 3 rows rejected, more than the 0 that design's policy skip:10% allows; the first: line 4, column last_updated/,
    );
    expect(fake.calls).not.toContain('writeDataset');
    expect(fake.ledgerCalls.map(([call]) => call)).toEqual(['recordRejects', 'quarantine']);
  });

  it("reads a replayed file under the policy its replay asked for, over its table's", async () => {
    const message = request();
    const fake = fakePorts(message, [oneBadOfThree], { replayPolicy: 'skip:50%' });

    const outcome = await extractFile(message, fake.ports);

    expect(outcome).toMatchObject({ files: [{ result: 'loaded', rejected: 1 }] });
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

    expect(outcome).toMatchObject({ files: [{ result: 'loaded', unknownColumns: ['note'] }] });
    expect(fake.written[0]?.rows.map((row) => row._rescued)).toEqual([null, '{"note":"keep me"}']);
  });
});

describe('extractFile of a claim of several files', () => {
  const row = (id: number, name = 'Tote') =>
    `${id},2024-11-01 00:00:00,${name},/d,f.json,2024-11-02 10:00:00`;
  const files = {
    'design/a.csv': `${header}\n${row(1)}\n${row(2)}\n`,
    'design/b.csv': `${header}\n${row(3)}\n3,2024-11-01 00:00:00,Box,/d,c.json,soon\n`,
    'design/c.csv': `${header}\n${row(4)}\n`,
  };

  function batchRequest(keys: string[]): FileChanged {
    const pieces = keys.map((key) => ({ key, version: 'v1', bytes: 100 }));
    return FileChanged.parse({ ...request(keys[0]), file: pieces[0], pieces });
  }

  it('quarantines a bad file alone with its reason, and writes the others into one dataset announced once', async () => {
    const message = batchRequest(Object.keys(files));
    const fake = fakePorts(message, [], { byKey: files });

    const outcome = await extractFile(message, fake.ports);

    expect(outcome.files.map((piece) => [piece.file.key, piece.result])).toEqual([
      ['design/a.csv', 'loaded'],
      ['design/b.csv', 'quarantined'],
      ['design/c.csv', 'loaded'],
    ]);
    expect(outcome.files[1]?.reason).toMatch(/^line 3, column last_updated: "soon" is not a timestamp/);
    expect(fake.written).toEqual([{ key: inboxRawKey('design', message.pieces!), rows: expect.any(Array) }]);
    expect(fake.written[0]?.rows.map((written) => written.design_id)).toEqual([1, 2, 4]);
    expect(fake.published).toEqual([
      expect.objectContaining({
        kind: 'file',
        file: message.pieces![0],
        pieces: [message.pieces![0], message.pieces![2]],
        object: expect.objectContaining({ rows: 3 }),
      }),
    ]);
    expect(fake.recorded).toEqual([expect.objectContaining({ rows: 3, models: ['dim_design'] })]);
    expect(fake.ledgerCalls.filter(([call]) => call === 'markLoaded')).toEqual([
      ['markLoaded', message.pieces![0], { read: 2, loaded: 2, rejected: 0 }],
      ['markLoaded', message.pieces![2], { read: 1, loaded: 1, rejected: 0 }],
    ]);
  });

  it('loads nothing of a file of the claim whose bytes a file loaded before owns, and the others in full', async () => {
    const copy = { ...files, 'design/copy.csv': files['design/a.csv'] };
    const message = batchRequest(['design/copy.csv', 'design/c.csv']);
    const fake = fakePorts(message, [], { byKey: copy, owners: { 'design/copy.csv': 'design/a.csv' } });

    const outcome = await extractFile(message, fake.ports);

    expect(outcome.files).toMatchObject([
      { result: 'duplicate', duplicateOf: 'design/a.csv' },
      { result: 'loaded', rows: 1 },
    ]);
    expect(fake.written[0]?.rows.map((written) => written.design_id)).toEqual([4]);
    expect(fake.published[0]).toMatchObject({ file: message.pieces![1], pieces: [message.pieces![1]] });
    expect(fake.ledgerCalls).toContainEqual([
      'markLoaded',
      message.pieces![0],
      { read: 2, loaded: 0, rejected: 0 },
    ]);
  });

  it('delivered again, writes the same folder and the same announcement, and leaves its quarantined file alone', async () => {
    const message = batchRequest(Object.keys(files));
    const fake = fakePorts(message, [], { byKey: files });
    await extractFile(message, fake.ports);
    const ledgerCallsBefore = fake.ledgerCalls.length;

    const again = await extractFile(message, fake.ports);

    expect(again.files.map((piece) => piece.result)).toEqual(['loaded', 'stale', 'loaded']);
    expect(fake.written.map((written) => written.key)).toEqual([
      inboxRawKey('design', message.pieces!),
      inboxRawKey('design', message.pieces!),
    ]);
    expect(fake.written[1]?.rows).toEqual(fake.written[0]?.rows);
    // The same message (its id, so downstream loads it once), stamped with the time it was sent again.
    expect(fake.published[1]).toEqual({ ...fake.published[0], occurredAt: expect.any(String) });
    const secondCalls = fake.ledgerCalls
      .slice(ledgerCallsBefore)
      .map(([call, file]) => [call, (file as { key: string }).key]);
    expect(secondCalls).not.toContainEqual(['quarantine', 'design/b.csv']);
    expect(secondCalls.filter(([call]) => call === 'markLoaded')).toEqual([
      ['markLoaded', 'design/a.csv'],
      ['markLoaded', 'design/c.csv'],
    ]);
  });

  it('names the raw folder of a claim of one file by that file, as before claims held several', () => {
    const file = { key: 'design/a.csv', version: 'v1' };

    expect(inboxRawKey('design', [file])).toBe(inboxRawKey('design', file));
    expect(inboxRawKey('design', [file, { key: 'design/b.csv', version: 'v1' }])).not.toBe(
      inboxRawKey('design', file),
    );
  });
});
