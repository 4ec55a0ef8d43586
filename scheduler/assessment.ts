import crypto from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import type { Database } from '../db';
import { type Clock, localDate } from './clock';
import { type AssessmentResult, type AssessmentRow, LEVELS, type Level } from './records';
import type { ContactBook } from './contacts';
import { assessmentSummaryText, assessmentZoneText } from './messages';
import type { Outbox } from './outbox';
import { SUPERVISING_UNIT, normalizeName } from './units';
import type { Contact, NewMessage } from './records';

/**
 * The yearly assessment of the zones (item 5.5): imported from CSV, ranked among the year's 省级
 * zones, with the plan's consequences — the bottom three are warned (通报警示), a zone in the
 * bottom two this year and the year before is a candidate for merger or exit (兼并整合或退出).
 */

export class AssessmentCsvError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'AssessmentCsvError';
  }
}

const COLUMNS = ['year', 'zone', 'level', 'score'] as const;
const MAX_PROBLEMS = 20;
/** Scores beyond this are no assessment's (and beyond 2^53 not even exact). */
const MAX_SCORE = 1_000_000;
/** Control and format characters (NUL, line breaks, bidi overrides…): no zone's name has them. */
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/**
 * The file's text, which must be UTF-8 (a BOM is allowed). Excel on Chinese Windows saves "CSV" in
 * GBK/GB18030: decoded as UTF-8 it would turn into replacement characters and be refused line by
 * line as a level that is neither 国家级 nor 省级. It is refused as a whole, saying what it is.
 */
export function decodeAssessmentCsv(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new AssessmentCsvError(['the file is UTF-16 (Excel’s “Unicode text”), not UTF-8: save it as “CSV UTF-8 (comma delimited)” and import that']);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const gbk = decodes(bytes, 'gb18030') ? ' (it reads as GBK/GB18030, what Excel saves as “CSV” on Chinese Windows)' : '';
    throw new AssessmentCsvError([`the file is not UTF-8${gbk}: save it as “CSV UTF-8 (comma delimited)” and import that`]);
  }
}

function decodes(bytes: Uint8Array, encoding: string): boolean {
  try {
    new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * A cell as a CSV export should write it: one that starts with = + - @ (or a tab or carriage
 * return) would be run as a formula by a spreadsheet, so it is prefixed with '. Cells are stored
 * as typed; this is for text written out.
 */
export function neutralizeCsvCell(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Reads and checks the whole file; any problem throws with every problem found (up to 20), each naming its line. */
export function parseAssessmentCsv(text: string): AssessmentRow[] {
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    // With `info` and `raw` each record comes wrapped with its line; the typings only model plain arrays.
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, raw: true }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) throw new AssessmentCsvError([`line ${String(err.lines ?? '?')}: ${err.message}`]);
    throw err;
  }
  if (!records.length) throw new AssessmentCsvError(['the file is empty: expected a header line year,zone,level,score']);
  // info.lines is where a record ends; a quoted field may span lines, and raw also holds skipped empty lines.
  const lineOf = (r: (typeof records)[number]) => r.info.lines - (r.raw.trim().match(/\n/g)?.length ?? 0);
  const [header, ...body] = records;
  const names = header.record.map((h) => h.toLowerCase());
  const missing = COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
  if (missing.length || unknown.length || names.length !== COLUMNS.length) {
    throw new AssessmentCsvError([
      `line ${lineOf(header)}: the header must name the columns year, zone, level, score` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') + (unknown.length ? `; unknown: ${unknown.join(', ')}` : ''),
    ]);
  }
  const index = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const problems: string[] = [];
  const rows: AssessmentRow[] = [];
  const seen = new Map<string, number>();
  for (const r of body) {
    const line = lineOf(r);
    const row = checkRow(r.record, index, line, problems);
    if (!row) continue;
    const key = `${row.year}\u0000${row.zone}`;
    if (seen.has(key)) problems.push(`line ${line}: ${row.zone} already has a ${row.year} result on line ${seen.get(key)}`);
    else seen.set(key, line);
    rows.push(row);
  }
  if (!problems.length && !rows.length) problems.push('the file has a header but no results');
  if (problems.length) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
    throw new AssessmentCsvError(shown);
  }
  return rows;
}

function checkRow(fields: string[], index: Record<(typeof COLUMNS)[number], number>, line: number, problems: string[]): AssessmentRow | null {
  if (fields.length !== COLUMNS.length) {
    problems.push(`line ${line}: expected ${COLUMNS.length} fields (year, zone, level, score), found ${fields.length}`);
    return null;
  }
  const before = problems.length;
  const [year, zone, level, score] = [fields[index.year], normalizeName(fields[index.zone]), fields[index.level], fields[index.score]];
  if (!/^\d{4}$/.test(year) || +year < 2000 || +year > 2100) problems.push(`line ${line}: year “${year}” is not a year between 2000 and 2100`);
  const control = CONTROL.exec(fields[index.zone]);
  if (!zone) problems.push(`line ${line}: the zone is empty`);
  else if (zone.length > 100) problems.push(`line ${line}: the zone's name is longer than 100 characters`);
  else if (control) problems.push(`line ${line}: the zone's name contains a control character (${codePoint(control[0])})`);
  if (!(LEVELS as readonly string[]).includes(level)) problems.push(`line ${line}: level “${level}” must be 国家级 or 省级`);
  if (!/^-?\d+(\.\d+)?$/.test(score)) problems.push(`line ${line}: score “${shortened(score)}” is not a number`);
  else if (!(Math.abs(+score) <= MAX_SCORE)) problems.push(`line ${line}: score “${shortened(score)}” is not between -${MAX_SCORE} and ${MAX_SCORE}`);
  return problems.length > before ? null : { year: +year, zone, level: level as Level, score: +score, line };
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A value as a problem quotes it: a 400-digit score is not repeated whole. */
function shortened(value: string): string {
  return value.length > 24 ? `${value.slice(0, 20)}… (${value.length} characters)` : value;
}

/** For each 省级 zone, how many 省级 zones of the year scored strictly lower. */
function countsBelow(rows: readonly AssessmentRow[]): Map<string, number> {
  const provincial = rows.filter((r) => r.level === '省级');
  return new Map(provincial.map((r) => [r.zone, provincial.filter((o) => o.score < r.score).length]));
}

/**
 * Ranks a year and applies 5.5. "Bottom three" means fewer than three zones scored lower, so zones
 * tied at the boundary are all included: the plan gives no way to separate them.
 */
export function rankYear(rows: readonly AssessmentRow[], previousYear: readonly AssessmentRow[]): AssessmentResult[] {
  const below = countsBelow(rows);
  const previousBelow = countsBelow(previousYear);
  const provincial = rows.filter((r) => r.level === '省级');
  return rows.map((r) => {
    const under = below.get(r.zone);
    if (r.level !== '省级' || under === undefined) return { ...r, rank: null, ranked: provincial.length, warned: false, exitCandidate: false };
    const lastYear = previousBelow.get(r.zone);
    return {
      ...r,
      rank: 1 + provincial.filter((o) => o.score > r.score).length,
      ranked: provincial.length,
      warned: under < 3,
      exitCandidate: under < 2 && lastYear !== undefined && lastYear < 2,
    };
  });
}

export interface YearImport {
  year: number;
  zones: number;
  ranked: number;
  warned: string[];
  exitCandidates: string[];
  /** False when the year before has no results, so the two-year rule could not be applied. */
  previousYearKnown: boolean;
}

interface ResultRow {
  year: number;
  zone: string;
  level: Level;
  score: number;
  rank: number | null;
  ranked: number;
  warned: number;
  exit_candidate: number;
  line: number;
}

function digest(value: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

export class Assessments {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly contacts: ContactBook,
    private readonly outbox: Outbox,
    private readonly timeZone: string,
  ) {}

  /**
   * Stores the years of the file (replacing what a year had), ranks them oldest first so a file may
   * carry two consecutive years, and in the same transaction puts each zone's result to its contacts
   * and the year's summary to 省商务厅 and the admins into the outbox. A corrected result is sent again.
   */
  async import(rows: readonly AssessmentRow[]): Promise<{ years: YearImport[]; enqueued: number }> {
    const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
    return this.db.transaction(async () => {
      const summary: YearImport[] = [];
      let enqueued = 0;
      for (const year of years) {
        const previous = await this.results(year - 1);
        const results = rankYear(rows.filter((r) => r.year === year), previous);
        await this.store(year, results);
        enqueued += await this.enqueueResults(year, results, previous.length > 0);
        summary.push({
          year, zones: results.length, ranked: results[0]?.ranked ?? 0, previousYearKnown: previous.length > 0,
          warned: results.filter((r) => r.warned).map((r) => r.zone),
          exitCandidates: results.filter((r) => r.exitCandidate).map((r) => r.zone),
        });
      }
      return { years: summary, enqueued };
    });
  }

  private async store(year: number, results: AssessmentResult[]): Promise<void> {
    await this.db.run('DELETE FROM sch_assessments WHERE year = ?', [year]);
    const now = this.clock.now();
    for (const r of results) {
      await this.db.run(
        'INSERT INTO sch_assessments (year, zone, level, score, rank, ranked, warned, exit_candidate, line, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [year, r.zone, r.level, r.score, r.rank, r.ranked, Number(r.warned), Number(r.exitCandidate), r.line, now],
      );
    }
  }

  private async enqueueResults(year: number, results: AssessmentResult[], previousYearKnown: boolean): Promise<number> {
    const dueDate = localDate(this.clock.now(), this.timeZone);
    const messages: NewMessage[] = [];
    const add = (contact: Contact, key: string, text: string) =>
      messages.push({ key: `${key}:contact:${contact.id}`, contactId: contact.id, conversationId: contact.conversationId, kind: 'assessment', dueDate, text });
    for (const r of results) {
      for (const contact of await this.contacts.active('zone', [r.zone])) add(contact, `assessment:${year}:${r.zone}:${digest(r)}`, assessmentZoneText(contact.lang, r));
    }
    const overseers = [...(await this.contacts.active('unit', [SUPERVISING_UNIT])), ...(await this.contacts.active('admin', ['']))];
    for (const contact of overseers) {
      add(contact, `assessment-summary:${year}:${digest(results)}`, assessmentSummaryText(contact.lang, year, results, previousYearKnown));
    }
    return this.outbox.enqueue(messages);
  }

  async results(year: number): Promise<AssessmentResult[]> {
    const rows = await this.db.all<ResultRow>(
      'SELECT year, zone, level, score, rank, ranked, warned, exit_candidate, line FROM sch_assessments WHERE year = ? ORDER BY rank IS NULL, rank, score DESC, zone',
      [year],
    );
    return rows.map((r) => ({
      year: r.year, zone: r.zone, level: r.level, score: r.score, line: r.line, rank: r.rank, ranked: r.ranked,
      warned: r.warned === 1, exitCandidate: r.exit_candidate === 1,
    }));
  }
}
