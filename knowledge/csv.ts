import { CsvError, parse } from 'csv-parse/sync';

/** A record of a CSV file, with the line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** The file cannot be read as CSV; the message names the line. */
export class CsvReadError extends Error {}

/**
 * Reads at most `limit` records (the header counts), trimmed, empty lines skipped, each with its
 * line: what the admins' CSV imports (assessment results, FAQ entries) share.
 */
export function readCsvRecords(text: string, limit: number): CsvRecord[] {
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    // With `info` and `raw` each record comes wrapped with its line; the typings only model plain arrays.
    const options = { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, raw: true, to: limit };
    records = parse(text, options) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) throw new CsvReadError(`line ${typeof err.lines === 'number' ? err.lines : '?'}: ${err.message}`);
    throw err;
  }
  // info.lines is where a record ends; a quoted field may span lines, and raw also holds skipped empty lines.
  return records.map((r) => ({ fields: r.record, line: r.info.lines - (r.raw.trim().match(/\n/g)?.length ?? 0) }));
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as a CSV export should write it: one that starts with = + - @ (or a tab or carriage
 * return) would be run as a formula by a spreadsheet, so it is prefixed with '. Cells are stored
 * as typed; this is for text written out.
 */
export function neutralizeCsvCell(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** A cell as it was before neutralizeCsvCell: an export imported again changes nothing. */
export function restoreCsvCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
