import {
  type CalendarDimension,
  type FactModel,
  type Row,
  type TableDimension,
  warehouseModels,
} from '@totes/model';
import type pg from 'pg';
import { compareCalendar } from './compare-calendar';
import { compareDimension } from './compare-dimension';
import { compareFact } from './compare-fact';
import { verifyCurrentRows } from './current-rows';
import { verifyReferences } from './dimension-references';
import { deriveDimensionRows, indexByKey, type PartnerRows } from './dimension-rows';
import { VerifyError, VerifyErrorCode } from './errors';
import { dimensionShapeOf, factShapeOf } from './model-shapes';
import { missingWarehouseTables, readWarehouseTable, streamWarehouseTable } from './queries';
import { withSnapshot } from './snapshot';
import { databaseSource, isSourceOfTruth, type SourceRows } from './source-of-truth';
import { type CheckResult, defaultSampleLimit, type VerifyOptions, type VerifyReport } from './types';

/** The two sides of a verification: one view of the source rows, one snapshot of the warehouse. */
interface Sides {
  readonly source: SourceRows;
  readonly warehouse: pg.ClientBase;
  readonly schema: string;
  readonly sampleLimit: number;
}

/**
 * Reconciles the warehouse against the source, everything derived from the model declarations:
 * - each table dimension equals its source rows joined and derived as the model says, by key and column;
 * - the calendar holds every date a fact references, each with the right parts;
 * - each fact holds the current version of every source row with equal columns, no version twice and no key
 *   gone from the source, and its row counts and measure sums over the latest versions match the source in all,
 *   per currency and per day;
 * - every dimension key a fact holds names a dimension row (one anti-join per reference: the warehouse's foreign
 *   keys are declared, not enforced);
 * - each fact's current-rows table holds exactly its latest version of every key (what the dashboard reads).
 *
 * The source rows come from the source database or the lake's raw zone (a {@link SourceOfTruth}; a pool is the
 * source database). The sides are compared in TypeScript, each read in one consistent view; tables are streamed in
 * key order and merged, so memory stays bounded whatever their size (only the small joined lookups and the
 * calendar are read whole). Differences are reported, never thrown.
 * @throws {VerifyError} when the sample limit is malformed, the warehouse lacks a model table, or the source
 * cannot be read (an empty or unreadable raw zone).
 */
export async function verifyWarehouse(options: VerifyOptions): Promise<VerifyReport> {
  const sampleLimit = options.sampleLimit ?? defaultSampleLimit;
  if (!Number.isInteger(sampleLimit) || sampleLimit < 0) {
    throw new VerifyError(
      VerifyErrorCode.invalidOption,
      `the sample limit must be a whole number ≥ 0, got ${sampleLimit}`,
    );
  }
  const truth = isSourceOfTruth(options.source) ? options.source : databaseSource(options.source);
  return truth.openRows((source) =>
    withSnapshot(options.warehouse, async (warehouse) => {
      const sides = { source, warehouse, schema: options.warehouseSchema, sampleLimit };
      const missing = await missingWarehouseTables(warehouse, sides.schema, warehouseModels);
      if (missing.length > 0) {
        throw new VerifyError(
          VerifyErrorCode.warehouseNotMigrated,
          `the warehouse schema "${sides.schema}" has no table ${missing.join(', ')}: load the warehouse first`,
        );
      }
      return { ...(await verifyModels(sides)), source: truth.name };
    }),
  );
}

async function verifyModels(sides: Sides): Promise<VerifyReport> {
  const checks = new Map<string, CheckResult[]>();
  const referencedDates = new Map<string, Set<string>>();
  for (const model of warehouseModels) {
    if (model.kind === 'fact') {
      const comparison = await verifyFact(sides, model);
      const references = await verifyReferences(sides.warehouse, sides.schema, model, sides.sampleLimit);
      const current = await verifyCurrentRows(sides.warehouse, sides.schema, model, sides.sampleLimit);
      checks.set(model.name, [...comparison.checks, references, current]);
      for (const [calendar, dates] of comparison.referencedDates) {
        const all = referencedDates.get(calendar) ?? new Set<string>();
        for (const date of dates) all.add(date);
        referencedDates.set(calendar, all);
      }
    } else if (model.build === 'table') {
      checks.set(model.name, [await verifyDimension(sides, model)]);
    }
  }
  // The calendar is checked last, against the dates the facts turned out to reference; it is reported first.
  for (const model of warehouseModels) {
    if (model.build === 'calendar') {
      checks.set(model.name, [
        await verifyCalendar(sides, model, referencedDates.get(model.name) ?? new Set()),
      ]);
    }
  }
  const ordered = warehouseModels.flatMap((model) => checks.get(model.name) ?? []);
  return { ok: ordered.every((check) => check.ok), checks: ordered };
}

async function verifyDimension(sides: Sides, dimension: TableDimension): Promise<CheckResult> {
  const shape = dimensionShapeOf(dimension);
  const partners = new Map<string, PartnerRows>();
  for (const table of shape.joined) {
    partners.set(table.name, indexByKey(await sides.source.read(table), table.primaryKey));
  }
  return compareDimension(
    dimension,
    deriveDimensionRows(shape, sides.source.stream(shape.source), partners),
    streamWarehouseTable(sides.warehouse, sides.schema, dimension, [dimension.key]),
    sides.sampleLimit,
  );
}

function verifyFact(sides: Sides, fact: FactModel) {
  const shape = factShapeOf(fact);
  return compareFact(
    shape,
    sides.source.stream(shape.source),
    streamWarehouseTable(sides.warehouse, sides.schema, fact, [shape.keyColumn, ...shape.versionColumns]),
    sides.sampleLimit,
  );
}

async function verifyCalendar(
  sides: Sides,
  calendar: CalendarDimension,
  referencedDates: ReadonlySet<string>,
): Promise<CheckResult> {
  const rows: Row[] = await readWarehouseTable(sides.warehouse, sides.schema, calendar, [calendar.key]);
  return compareCalendar(calendar, referencedDates, rows, sides.sampleLimit);
}
