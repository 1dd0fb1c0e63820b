/** How a value is typed in the lake's Parquet files and in memory between services. */
export const LakeType = {
  /** A 32-bit integer; a JS number. */
  int32: 'int32',
  /** UTF-8 text. */
  string: 'string',
  /** An exact decimal kept as its canonical text (`'12.30'`), so money never passes through a float. */
  decimal: 'decimal',
  boolean: 'boolean',
  /** Milliseconds, no zone; in memory `YYYY-MM-DDTHH:MM:SS.mmm`. */
  timestamp: 'timestamp',
  /** A calendar day; in memory `YYYY-MM-DD`. */
  date: 'date',
  /** A time of day in milliseconds; in memory `HH:MM:SS.mmm`. */
  time: 'time',
} as const;
export type LakeType = (typeof LakeType)[keyof typeof LakeType];

/** One value of a row in memory, typed per {@link LakeType}. */
export type LakeValue = string | number | boolean | null;
/** One row in memory, keyed by column name. */
export type Row = Record<string, LakeValue>;

/** The precision and scale of an exact decimal, as in `numeric(precision, scale)`. */
export interface DecimalShape {
  /** Significant digits in all, 1–38. */
  readonly precision: number;
  /** Digits after the point, 0–precision. */
  readonly scale: number;
}

/** A column as the lake sees it: the schema of a Parquet dataset. */
export interface LakeColumn {
  readonly name: string;
  readonly lake: LakeType;
  readonly nullable: boolean;
  /**
   * For a decimal column, its precision and scale: the lake stores it as Parquet `DECIMAL(precision, scale)`.
   * A decimal without one (Postgres `numeric` with no typmod) is stored as its exact text.
   */
  readonly decimal?: DecimalShape;
  /**
   * A nullable column added to a dataset after some of its parts were written: a part without it reads as nulls
   * instead of failing the schema check. Only declared in the model, never guessed by a reader.
   */
  readonly absentAsNull?: boolean;
}

/** A column of a totesys table. */
export interface SourceColumn extends LakeColumn {
  /** The column's type in the totesys DDL, used to detect schema drift. */
  readonly sql: string;
}

/** A totesys table as the platform reads it. */
export interface SourceTable {
  readonly name: string;
  readonly primaryKey: string;
  /** The column that orders changes; the primary key breaks ties. */
  readonly cursor: 'last_updated';
  readonly columns: readonly SourceColumn[];
  readonly description: string;
}

/** `table.column`. */
export type ColumnRef = `${string}.${string}`;

/** How a warehouse column is computed from source columns. */
export type Derivation =
  | { readonly kind: 'copy'; readonly from: ColumnRef }
  | { readonly kind: 'datePart'; readonly from: ColumnRef }
  | { readonly kind: 'timePart'; readonly from: ColumnRef }
  | { readonly kind: 'parseDate'; readonly from: ColumnRef }
  | { readonly kind: 'currencyName'; readonly from: ColumnRef }
  | { readonly kind: 'calendar'; readonly part: CalendarPart };

/** The parts of a day that dim_date holds. */
export const CalendarPart = {
  date: 'date',
  year: 'year',
  month: 'month',
  day: 'day',
  dayOfWeek: 'dayOfWeek',
  dayName: 'dayName',
  monthName: 'monthName',
  quarter: 'quarter',
} as const;
export type CalendarPart = (typeof CalendarPart)[keyof typeof CalendarPart];

/** A column of a warehouse table. */
export interface WarehouseColumn extends LakeColumn {
  /** The column's type in the warehouse DDL. */
  readonly sql: string;
  readonly derive: Derivation;
  readonly description: string;
  /** For a fact column that points at a dimension: the dimension's name. */
  readonly references?: string;
}

/** A lookup table joined to a dimension's primary table. */
export interface Join {
  readonly table: string;
  /** The primary table's column that holds the joined table's primary key. */
  readonly foreignKey: string;
  /** Inner joins drop a primary row whose partner is missing; left joins keep it with nulls. */
  readonly type: 'inner' | 'left';
}

/** The three star schemas of the warehouse. */
export const StarSchema = { sales: 'sales', purchases: 'purchases', payments: 'payments' } as const;
export type StarSchema = (typeof StarSchema)[keyof typeof StarSchema];

interface ModelBase {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly WarehouseColumn[];
}

/** A dimension built from one primary table and its lookups: one row per primary row, latest values only. */
export interface TableDimension extends ModelBase {
  readonly kind: 'dimension';
  readonly build: 'table';
  readonly primaryTable: string;
  readonly joins: readonly Join[];
  /** The warehouse column holding the primary table's key. */
  readonly key: string;
}

/** A calendar dimension: one row per date that some fact references. */
export interface CalendarDimension extends ModelBase {
  readonly kind: 'dimension';
  readonly build: 'calendar';
  readonly key: string;
}

/** A fact: one row per version of a source row, never updated. */
export interface FactModel extends ModelBase {
  readonly kind: 'fact';
  readonly build: 'table';
  readonly primaryTable: string;
  /** The surrogate key, a serial. */
  readonly recordId: string;
  readonly stars: readonly StarSchema[];
}

export type DimensionModel = TableDimension | CalendarDimension;
export type WarehouseModel = DimensionModel | FactModel;
