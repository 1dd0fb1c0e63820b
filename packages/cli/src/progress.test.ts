import type { DetectionResult } from '@totes/change-detector';
import { LineageEventType, type ModelLoaded } from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { createDeadLetterProgress, createDetectionProgress, loadedLine } from './progress';

const cycle = (
  failed: Record<string, string>,
  changed: string[] = [],
  inbox: Pick<DetectionResult, 'files' | 'quarantinedFiles'> = { files: [], quarantinedFiles: [] },
): DetectionResult =>
  ({
    runId: 'run',
    resumed: [],
    ...inbox,
    changes: changed.map((table) => ({ table, rows: 1 })),
    skipped: Object.entries(failed).map(([table, message]) => ({
      table,
      reason: 'failed',
      error: new Error(message),
    })),
  }) as unknown as DetectionResult;

describe('createDetectionProgress', () => {
  it('says a table failed once, again only when the reason changes, and when it works again', () => {
    const lines: string[] = [];
    const report = createDetectionProgress((line) => lines.push(line));

    report(cycle({ design: 'permission denied for table design' }));
    report(cycle({ design: 'permission denied for table design' }));
    report(cycle({ design: 'connection refused' }));
    report(cycle({}, ['design']));

    expect(lines).toEqual([
      expect.stringMatching(/^detection failed for design: permission denied for table design/),
      expect.stringMatching(/^detection failed for design: connection refused/),
      'detection works again for design',
      'detected: design (1)',
    ]);
  });
});

describe('createDetectionProgress for the inbox', () => {
  it('names the files a cycle asked to read, and each file quarantined on sight with its reason', () => {
    const lines: string[] = [];
    const report = createDetectionProgress((line) => lines.push(line));
    const files = [{ file: { key: 'design/a.csv', bytes: 120 } }] as unknown as DetectionResult['files'];
    const quarantinedFiles = [
      { key: 'orders/o.csv', reason: '"orders" is not a table of the catalog' },
    ] as unknown as DetectionResult['quarantinedFiles'];

    report(cycle({}, [], { files, quarantinedFiles }));

    expect(lines).toEqual([
      'inbox: design/a.csv (120 B)',
      'inbox file quarantined: orders/o.csv: "orders" is not a table of the catalog (totes inbox list shows every file)',
    ]);
  });

  it('names a claim of several files by their count, table and bytes', () => {
    const lines: string[] = [];
    const report = createDetectionProgress((line) => lines.push(line));
    const pieces = [
      { key: 'sales_order/a.csv', version: 'v1', bytes: 100 },
      { key: 'sales_order/b.csv', version: 'v1', bytes: 50 },
    ];
    const files = [{ table: 'sales_order', file: pieces[0], pieces }] as unknown as DetectionResult['files'];

    report(cycle({}, [], { files, quarantinedFiles: [] }));

    expect(lines).toEqual(['inbox: 2 files of sales_order (150 B)']);
  });
});

describe('loadedLine', () => {
  const event = (eventType: LineageEventType) =>
    ({ eventType, model: 'dim_design', table: 'design', rows: { received: 2, written: 1 } }) as ModelLoaded;

  it('tells the rows a load wrote', () => {
    expect(loadedLine(event(LineageEventType.complete))).toBe(
      'loaded dim_design from design: 1 rows written',
    );
  });

  it('tells a load that failed for good as a failure, not as a load of no rows', () => {
    expect(loadedLine(event(LineageEventType.fail))).toMatch(
      /^FAILED to load dim_design from design: dead-lettered/,
    );
  });
});

describe('createDeadLetterProgress', () => {
  it('says which dead-letter queue grew, by how much, and how to see why; nothing while none grows', () => {
    const lines: string[] = [];
    const report = createDeadLetterProgress((line) => lines.push(line));

    report({ 'warehouse-loader-dlq': 0, 'table-extractor-dlq': 0 });
    report({ 'warehouse-loader-dlq': 2, 'table-extractor-dlq': 0 });
    report({ 'warehouse-loader-dlq': 2, 'table-extractor-dlq': 0 });
    report({ 'warehouse-loader-dlq': 0, 'table-extractor-dlq': 0 });
    report({ 'warehouse-loader-dlq': 1, 'table-extractor-dlq': 0 });

    expect(lines).toEqual([
      'warehouse-loader-dlq holds 2 dead-lettered message(s), 2 new: pnpm totes dlq show warehouse-loader-dlq',
      'warehouse-loader-dlq holds 1 dead-lettered message(s), 1 new: pnpm totes dlq show warehouse-loader-dlq',
    ]);
  });
});
