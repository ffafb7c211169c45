// Raw click rows as the API shows them: in the click list, and each line of
// an export (CSV or NDJSON).

/** The columns selected for a click, keyed by the API's field names. */
export const SELECT_CLICK = `id::text as id, link_id::text as "linkId", to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
  country, region, city, referrer_host as referrer, browser, os, device, is_bot as "isBot"`;

export interface ClickRow {
  id: string;
  linkId: string;
  at: string;
  country: string | null;
  region: string | null;
  city: string | null;
  referrer: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  isBot: boolean;
}

export const CLICK_FIELDS = [
  'id',
  'linkId',
  'at',
  'country',
  'region',
  'city',
  'referrer',
  'browser',
  'os',
  'device',
  'isBot',
] as const;

// A spreadsheet runs a cell starting with one of these as a formula (OWASP
// "CSV injection"): a leading apostrophe makes it text.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: RFC 4180 quoting, formulas neutralised. */
export function csvCell(value: string | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: (string | boolean | null)[]) => `${cells.map(csvCell).join(',')}\r\n`;

export const CSV_HEADER = csvLine([...CLICK_FIELDS]);

export const csvRow = (row: ClickRow) => csvLine(CLICK_FIELDS.map((field) => row[field]));

export const ndjsonRow = (row: ClickRow) => `${JSON.stringify(row)}\n`;
