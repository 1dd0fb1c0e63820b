import { facetSchemaUrl, openLineageProducer, totesFacets } from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { lakeDataset, lineageNamespaces, totesFacet, warehouseDataset } from './lineage';

const object = { key: 'processed/dim_staff/2024-11-15/x', parts: ['p0', 'p1'], rows: 7, bytes: 512 };
const namespacesOf = (lakeUrl: string) =>
  lineageNamespaces({
    stage: 'dev',
    sourceUrl: 'postgres://reader:s3cret@source.example/totesys',
    warehouseUrl: 'postgres://loader:s3cret@warehouse.example:6543/dw',
    warehouseSchema: 'star',
    lakeUrl,
  });

describe('OpenLineage dataset names', () => {
  it.each([
    ['a local folder', '/srv/totes/lake', 'file', '/srv/totes/lake/processed/dim_staff/2024-11-15/x'],
    ['a file URL', 'file:///srv/totes/lake', 'file', '/srv/totes/lake/processed/dim_staff/2024-11-15/x'],
    ['an S3 bucket', 's3://totes-lake', 's3://totes-lake', 'processed/dim_staff/2024-11-15/x'],
    [
      'an S3 bucket with a prefix',
      's3://totes-lake/lake/v1',
      's3://totes-lake',
      'lake/v1/processed/dim_staff/2024-11-15/x',
    ],
  ])('names a lake object in %s by its namespace and full path', (_lake, lakeUrl, namespace, name) => {
    expect(lakeDataset(namespacesOf(lakeUrl), object)).toMatchObject({ namespace, name });
  });

  it('names a relative local lake folder by its absolute path', () => {
    const { name } = lakeDataset(namespacesOf('.totes/lake'), object);

    expect(name).toBe(`${process.cwd()}/.totes/lake/${object.key}`);
  });

  it('names Postgres datasets by host and port, and db.schema.table, without credentials', () => {
    const namespaces = namespacesOf('s3://totes-lake');

    expect(namespaces.source.namespace).toBe('postgres://source.example:5432');
    expect(warehouseDataset(namespaces, 'dim_staff')).toEqual({
      namespace: 'postgres://warehouse.example:6543',
      name: 'dw.star.dim_staff',
    });
    expect(JSON.stringify(namespaces)).not.toContain('s3cret');
  });

  it('puts the rows written in the outputStatistics output facet, not among the dataset facets', () => {
    const output = warehouseDataset(namespacesOf('s3://totes-lake'), 'dim_staff', 6);

    expect(output).not.toHaveProperty('facets');
    expect(output.outputFacets?.outputStatistics).toEqual({
      _producer: openLineageProducer,
      _schemaURL: expect.stringContaining('OutputStatisticsOutputDatasetFacet.json#/$defs/'),
      rowCount: 6,
    });
  });
});

describe('totesFacet', () => {
  it('points the facet at the JSON Schema of its version', () => {
    expect(totesFacet(totesFacets.lake, { parts: 1, rows: 2, bytes: 3 })).toEqual({
      _producer: openLineageProducer,
      _schemaURL: facetSchemaUrl(totesFacets.lake),
      parts: 1,
      rows: 2,
      bytes: 3,
    });
  });

  it('refuses fields its published schema does not describe', () => {
    const fields = { parts: 1, rows: 2, bytes: 3, files: 4 } as {
      parts: number;
      rows: number;
      bytes: number;
    };

    expect(() => totesFacet(totesFacets.lake, fields)).toThrow(/files/);
  });
});
