// Runs a parsed /sql request on a pooled connection and shapes the answer
// the way Neon's SQL-over-HTTP endpoint does.
import type pg from 'pg';
import type { SqlQuery, SqlRequest } from './sql-request';

// Values stay Postgres text: the driver parses them itself by dataTypeID.
const RAW_TYPES = { getTypeParser: () => (value: string) => value };

export interface NeonResult {
  command: string | null;
  rowCount: number | null;
  rows: unknown[];
  fields: Array<{
    name: string;
    dataTypeID: number;
    tableID: number;
    columnID: number;
    dataTypeSize: number;
    dataTypeModifier: number;
    format: string;
  }>;
  rowAsArray: boolean;
}

async function runOne(client: pg.PoolClient, q: SqlQuery, r: SqlRequest): Promise<NeonResult> {
  // queryMode 'extended' forces Parse/Bind even without parameters, so that
  // two statements in one query fail (42601) exactly as on Neon.
  const result = await client.query({
    text: q.query,
    values: q.params,
    rowMode: 'array',
    types: RAW_TYPES,
    queryMode: 'extended',
  } as pg.QueryConfig);
  const fields = result.fields.map((f) => ({
    name: f.name,
    dataTypeID: f.dataTypeID,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: 'text',
  }));
  let rows = result.rows as unknown[][];
  if (!r.rawText) rows = rows.map((row) => row.map((v, i) => jsonValue(fields[i]!.dataTypeID, v as string | null)));
  return {
    command: result.command ?? null,
    rowCount: result.rowCount ?? null,
    rows: r.arrayMode ? rows : rows.map((row) => Object.fromEntries(row.map((v, i) => [fields[i]!.name, v]))),
    fields,
    rowAsArray: r.arrayMode,
  };
}

/** Without Neon-Raw-Text-Output, Neon gives JSON-native values where JSON has them. */
function jsonValue(typeId: number, v: string | null): unknown {
  if (v === null) return null;
  switch (typeId) {
    case 16:
      return v === 't'; // bool
    case 21:
    case 23:
    case 26:
    case 700:
    case 701:
      return Number(v); // int2, int4, oid, float4, float8
    case 114:
    case 3802:
      return JSON.parse(v); // json, jsonb
    default:
      return v;
  }
}

/**
 * One query runs alone (an implicit transaction, one round trip to the
 * backend); a batch runs between BEGIN and COMMIT. Any error rolls back.
 */
export async function runSql(client: pg.PoolClient, r: SqlRequest): Promise<NeonResult | { results: NeonResult[] }> {
  if (!r.batch) {
    // A lone "BEGIN" must not leave the pooled connection inside a transaction.
    let result: NeonResult;
    try {
      result = await runOne(client, r.queries[0]!, r);
    } catch (err) {
      if (inTransaction(client)) await rollback(client, err);
      throw err;
    }
    if (inTransaction(client)) await rollback(client, new Error('could not roll back after a lone query'));
    return result;
  }
  await client.query(r.begin);
  try {
    const results: NeonResult[] = [];
    for (const q of r.queries) results.push(await runOne(client, q, r));
    await client.query('COMMIT');
    return { results };
  } catch (err) {
    await rollback(client, err);
    throw err;
  }
}

/** The original error, marking that the connection could not be rolled back and must be discarded. */
export class ConnectionBroken extends Error {
  constructor(override readonly cause: unknown) {
    super('connection broken during rollback');
  }
}

function inTransaction(client: pg.PoolClient): boolean {
  const status = (client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus();
  return status === 'T' || status === 'E';
}

async function rollback(client: pg.PoolClient, original: unknown): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    throw new ConnectionBroken(original);
  }
}

export const ERROR_FIELDS = [
  'message',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'severity',
  'where',
  'table',
  'column',
  'schema',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

/** A Postgres error (from the backend, or raised by the PGlite front door). */
export function isPgError(err: unknown): err is pg.DatabaseError {
  return (
    err instanceof Error &&
    typeof (err as { severity?: unknown }).severity === 'string' &&
    typeof (err as { code?: unknown }).code === 'string'
  );
}

/** Neon's 400 body: every field present, null where Postgres gave none. */
export function errorBody(err: pg.DatabaseError): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const k of ERROR_FIELDS) body[k] = (err as unknown as Record<string, unknown>)[k] ?? null;
  return body;
}
