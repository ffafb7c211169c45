import { iso } from '../lib/time';

// A resource's columns, declared once: the SELECT list, the row mapper and,
// for writable fields, the recordset and SET clauses all derive from it.

export type SqlType = 'uuid' | 'text' | 'text[]' | 'smallint' | 'int' | 'bigint' | 'boolean' | 'timestamptz';

export interface Column {
  column: string;
  type: SqlType;
  nullable?: boolean;
  /** A resource's own flags, e.g. which fields a write may set. */
  [flag: string]: unknown;
}

export type Columns = Record<string, Column>;

type TsOf<T extends SqlType> = T extends 'text[]'
  ? string[]
  : T extends 'smallint' | 'int' | 'bigint'
    ? number
    : T extends 'boolean'
      ? boolean
      : string;

/** The API's view of a row: timestamps as ISO strings, bigint as numbers. */
export type RecordOf<C extends Columns> = {
  -readonly [K in keyof C]: C[K]['nullable'] extends true ? TsOf<C[K]['type']> | null : TsOf<C[K]['type']>;
};

/** `t.expires_at as "expiresAt", …`: rows arrive keyed by field name. */
export const selectList = (columns: Columns, table = '') =>
  Object.entries(columns)
    .map(([field, { column }]) => (field === column ? `${table}${column}` : `${table}${column} as "${field}"`))
    .join(', ');

/** `x(slug text, url text, …)` for jsonb_to_recordset, keyed by column name. */
export const recordsetTypes = (columns: Columns) =>
  Object.values(columns)
    .map(({ column, type }) => `${column} ${type}`)
    .join(', ');

export const columnNames = (columns: Columns) =>
  Object.values(columns)
    .map(({ column }) => column)
    .join(', ');

/** Maps a row selected with `selectList` to the API's types. */
export function fromRow<C extends Columns>(columns: C, row: Record<string, unknown>): RecordOf<C> {
  const out: Record<string, unknown> = {};
  for (const [field, { type }] of Object.entries(columns)) {
    const value = row[field];
    out[field] =
      value === null || value === undefined
        ? null
        : type === 'timestamptz'
          ? iso(value as Date)
          : type === 'bigint'
            ? Number(value)
            : value;
  }
  return out as RecordOf<C>;
}

/** Picks the columns whose fields are in `fields`. */
export function pick<C extends Columns, K extends keyof C>(columns: C, fields: readonly K[]): Pick<C, K> {
  return Object.fromEntries(fields.map((field) => [field, columns[field]])) as Pick<C, K>;
}
