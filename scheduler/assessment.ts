import { type CsvRecord, CsvReadError, readCsvRecords } from '../knowledge/csv';
import crypto from 'node:crypto';
import type { Database } from '../db';
import { type Clock, localDate } from './clock';
import { type AssessmentResult, type AssessmentRow, LEVELS, type Level } from './records';
import type { ContactBook } from './contacts';
import { type Lang, assessmentSummaryText, assessmentZoneText } from './messages';
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
/** Results one import may carry: Shandong has a few hundred zones, so this is decades of them at once. */
export const MAX_ASSESSMENT_ROWS = 100_000;
/** Scores beyond this are no assessment's (and beyond 2^53 not even exact). */
const MAX_SCORE = 1_000_000;
/** Control and format characters (NUL, line breaks, bidi overrides…): no zone's name has them. */
const CONTROL = /[\p{Cc}\p{Cf}]/u;
const STORE_CHUNK = 500;

/**
 * The file's text, which must be UTF-8 (a BOM is allowed). Excel on Chinese Windows saves "CSV" in
 * GBK/GB18030: decoded as UTF-8 it would turn into replacement characters and be refused line by
 * line as a level that is neither 国家级 nor 省级. It is refused as a whole, saying what it is.
 */
export function decodeAssessmentCsv(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new AssessmentCsvError([
      'the file is UTF-16 (Excel’s “Unicode text”), not UTF-8: save it as “CSV UTF-8 (comma delimited)” and import that',
    ]);
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

/** Reads and checks the whole file; any problem throws with every problem found (up to 20), each naming its line. */
export function parseAssessmentCsv(text: string): AssessmentRow[] {
  // Reading stops one past the limit: the header, the allowed results and one more, to say there are too many.
  let records: CsvRecord[];
  try {
    records = readCsvRecords(text, MAX_ASSESSMENT_ROWS + 2);
  } catch (err) {
    if (err instanceof CsvReadError) throw new AssessmentCsvError([err.message]);
    throw err;
  }
  if (!records.length) throw new AssessmentCsvError(['the file is empty: expected a header line year,zone,level,score']);
  const [header, ...body] = records;
  if (body.length > MAX_ASSESSMENT_ROWS) {
    throw new AssessmentCsvError([
      `the file has more than ${MAX_ASSESSMENT_ROWS.toLocaleString('en')} results: import at most that many at a time (one year per file, for instance)`,
    ]);
  }
  const names = header.fields.map((h) => h.toLowerCase());
  const missing = COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
  if (missing.length || unknown.length || names.length !== COLUMNS.length) {
    throw new AssessmentCsvError([
      `line ${header.line}: the header must name the columns year, zone, level, score` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (unknown.length ? `; unknown: ${unknown.join(', ')}` : ''),
    ]);
  }
  const index = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const problems: string[] = [];
  const rows: AssessmentRow[] = [];
  const seen = new Map<string, number>();
  for (const r of body) {
    const { line } = r;
    const row = checkRow(r.fields, index, line, problems);
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

function checkRow(
  fields: string[],
  index: Record<(typeof COLUMNS)[number], number>,
  line: number,
  problems: string[],
): AssessmentRow | null {
  if (fields.length !== COLUMNS.length) {
    problems.push(`line ${line}: expected ${COLUMNS.length} fields (year, zone, level, score), found ${fields.length}`);
    return null;
  }
  const before = problems.length;
  const [year, zone, level, score] = [fields[index.year], normalizeName(fields[index.zone]), fields[index.level], fields[index.score]];
  if (!/^\d{4}$/.test(year) || +year < 2000 || +year > 2100)
    problems.push(`line ${line}: year “${year}” is not a year between 2000 and 2100`);
  const control = CONTROL.exec(fields[index.zone]);
  if (!zone) problems.push(`line ${line}: the zone is empty`);
  else if (zone.length > 100) problems.push(`line ${line}: the zone's name is longer than 100 characters`);
  else if (control) problems.push(`line ${line}: the zone's name contains a control character (${codePoint(control[0])})`);
  if (!(LEVELS as readonly string[]).includes(level)) problems.push(`line ${line}: level “${level}” must be 国家级 or 省级`);
  if (!/^-?\d+(\.\d+)?$/.test(score)) problems.push(`line ${line}: score “${shortened(score)}” is not a number`);
  else if (!(Math.abs(+score) <= MAX_SCORE))
    problems.push(`line ${line}: score “${shortened(score)}” is not between -${MAX_SCORE} and ${MAX_SCORE}`);
  return problems.length > before ? null : { year: +year, zone, level: level as Level, score: +score, line };
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A value as a problem quotes it: a 400-digit score is not repeated whole. */
function shortened(value: string): string {
  return value.length > 24 ? `${value.slice(0, 20)}… (${value.length} characters)` : value;
}

/** The 省级 scores of a year, lowest first: how many scored below or above a score is a binary search away. */
function provincialScores(rows: readonly AssessmentRow[]): number[] {
  return rows
    .filter((r) => r.level === '省级')
    .map((r) => r.score)
    .sort((a, b) => a - b);
}

/** How many of the sorted scores are below `score` (strictly, or with `orEqual` also equal to it). */
function countBelow(sorted: readonly number[], score: number, orEqual = false): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < score || (orEqual && sorted[middle] === score)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Ranks a year and applies 5.5, in O(n log n). "Bottom three" means fewer than three zones scored
 * lower, so zones tied at the boundary are all included: the plan gives no way to separate them.
 */
export function rankYear(rows: readonly AssessmentRow[], previousYear: readonly AssessmentRow[]): AssessmentResult[] {
  const scores = provincialScores(rows);
  const previousScores = provincialScores(previousYear);
  const previousBelow = new Map(previousYear.filter((r) => r.level === '省级').map((r) => [r.zone, countBelow(previousScores, r.score)]));
  return rows.map((r) => {
    if (r.level !== '省级') return result(r, { rank: null, ranked: scores.length, warned: false, exitCandidate: false });
    const under = countBelow(scores, r.score);
    const lastYear = previousBelow.get(r.zone);
    return result(r, {
      rank: 1 + scores.length - countBelow(scores, r.score, true),
      ranked: scores.length,
      warned: under < 3,
      exitCandidate: under < 2 && lastYear !== undefined && lastYear < 2,
    });
  });
}

/** Field by field: copying the row with spread syntax made ranking 100,000 rows take seconds. */
function result(r: AssessmentRow, ranking: Pick<AssessmentResult, 'rank' | 'ranked' | 'warned' | 'exitCandidate'>): AssessmentResult {
  const { rank, ranked, warned, exitCandidate } = ranking;
  return { year: r.year, zone: r.zone, level: r.level, score: r.score, line: r.line, rank, ranked, warned, exitCandidate };
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

/** A year ranked before the write, with what its messages need. */
interface RankedYear {
  year: number;
  results: AssessmentResult[];
  previousYearKnown: boolean;
  /** The stored results of the year before as they were when this one was ranked (none when the file has them). */
  previousStamp: string | null;
  summaryKey: string;
  /** The whole table for 省商务厅 and the admins, in each language: made before the transaction, it is long for a large year. */
  summary: Record<Lang, string>;
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
   *
   * The ranking is done before the transaction, so that the write lock is held only for the writes
   * (100,000 results in well under a second), and chat turns meanwhile wait for it briefly. Should
   * another import change a year this one was ranked against in between, nothing is stored.
   */
  async import(rows: readonly AssessmentRow[]): Promise<{ years: YearImport[]; enqueued: number }> {
    const ranked = await this.rank(rows);
    return this.db.transaction(async () => {
      let enqueued = 0;
      for (const year of ranked) {
        if (year.previousStamp !== null && stampOf(await this.results(year.year - 1)) !== year.previousStamp) {
          throw new Error(`the ${year.year - 1} results changed while this file was being ranked; nothing was stored: import it again`);
        }
        await this.store(year.year, year.results);
        enqueued += await this.enqueueResults(year);
      }
      return { years: ranked.map(summaryOf), enqueued };
    });
  }

  /** Each year of the file ranked against the year before: from the file when it has it, else as stored. */
  private async rank(rows: readonly AssessmentRow[]): Promise<RankedYear[]> {
    const byYear = new Map<number, AssessmentRow[]>();
    for (const r of rows)
      byYear
        .set(r.year, byYear.get(r.year) ?? [])
        .get(r.year)!
        .push(r);
    const ranked = new Map<number, AssessmentResult[]>();
    const years: RankedYear[] = [];
    for (const year of [...byYear.keys()].sort((a, b) => a - b)) {
      const fromFile = ranked.get(year - 1);
      const previous = fromFile ?? (await this.results(year - 1));
      const previousStamp = fromFile ? null : stampOf(previous);
      const results = rankYear(byYear.get(year)!, previous);
      ranked.set(year, results);
      const previousYearKnown = previous.length > 0;
      const summary = {
        zh: assessmentSummaryText('zh', year, results, previousYearKnown),
        en: assessmentSummaryText('en', year, results, previousYearKnown),
      };
      years.push({ year, results, previousYearKnown, previousStamp, summaryKey: `assessment-summary:${year}:${digest(results)}`, summary });
    }
    return years;
  }

  /** Many rows per statement: one statement per row made a 100,000-row import hold the write lock for minutes. */
  private async store(year: number, results: readonly AssessmentResult[]): Promise<void> {
    await this.db.run('DELETE FROM sch_assessments WHERE year = ?', [year]);
    const now = this.clock.now();
    for (let i = 0; i < results.length; i += STORE_CHUNK) {
      const chunk = results.slice(i, i + STORE_CHUNK);
      await this.db.run(
        `INSERT INTO sch_assessments (year, zone, level, score, rank, ranked, warned, exit_candidate, line, imported_at)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((r) => [year, r.zone, r.level, r.score, r.rank, r.ranked, Number(r.warned), Number(r.exitCandidate), r.line, now]),
      );
    }
  }

  /** Call inside the transaction: who receives what is decided on the contacts as they are now. */
  private async enqueueResults({ year, results, summaryKey, summary }: RankedYear): Promise<number> {
    const dueDate = localDate(this.clock.now(), this.timeZone);
    const messages: NewMessage[] = [];
    const add = (contact: Contact, key: string, text: string) =>
      messages.push({
        key: `${key}:contact:${contact.id}`,
        contactId: contact.id,
        conversationId: contact.conversationId,
        kind: 'assessment',
        dueDate,
        text,
      });
    const zoneContacts = new Map<string, Contact[]>();
    for (const contact of await this.contacts.allActive('zone'))
      zoneContacts
        .set(contact.target, zoneContacts.get(contact.target) ?? [])
        .get(contact.target)!
        .push(contact);
    for (const r of results) {
      for (const contact of zoneContacts.get(r.zone) ?? [])
        add(contact, `assessment:${year}:${r.zone}:${digest(r)}`, assessmentZoneText(contact.lang, r));
    }
    const overseers = [...(await this.contacts.active('unit', [SUPERVISING_UNIT])), ...(await this.contacts.active('admin', ['']))];
    for (const contact of overseers) add(contact, summaryKey, summary[contact.lang]);
    return this.outbox.enqueue(messages);
  }

  /** The last year with results, or null when none was imported. */
  /** Who was sent the year's results (zones their own, 省商务厅 and the admins the table), with how their messages stand. */
  async notified(
    year: number,
  ): Promise<{ kind: Contact['kind']; target: string; name: string | null; status: string; sentAt: number | null }[]> {
    return this.db.all(
      `SELECT c.kind, c.target, c.name, o.status, o.sent_at AS "sentAt" FROM sch_outbox o JOIN sch_contacts c ON c.id = o.contact_id
       WHERE o.kind = 'assessment' AND (o.idempotency_key LIKE ? OR o.idempotency_key LIKE ?) ORDER BY c.kind, c.target, o.id`,
      [`assessment:${year}:%`, `assessment-summary:${year}:%`],
    );
  }

  async latestYear(): Promise<number | null> {
    const row = await this.db.get<{ year: number | null }>('SELECT MAX(year) AS year FROM sch_assessments');
    return row?.year ?? null;
  }

  async results(year: number): Promise<AssessmentResult[]> {
    const rows = await this.db.all<ResultRow>(
      'SELECT year, zone, level, score, rank, ranked, warned, exit_candidate, line FROM sch_assessments WHERE year = ? ORDER BY rank IS NULL, rank, score DESC, zone',
      [year],
    );
    return rows.map((r) => ({
      year: r.year,
      zone: r.zone,
      level: r.level,
      score: r.score,
      line: r.line,
      rank: r.rank,
      ranked: r.ranked,
      warned: r.warned === 1,
      exitCandidate: r.exit_candidate === 1,
    }));
  }
}

/** What a year is ranked against: its zones, levels and scores. */
function stampOf(results: readonly AssessmentResult[]): string {
  return digest(results.map((r) => [r.zone, r.level, r.score]));
}

function summaryOf({ year, results, previousYearKnown }: RankedYear): YearImport {
  return {
    year,
    zones: results.length,
    ranked: results[0]?.ranked ?? 0,
    previousYearKnown,
    warned: results.filter((r) => r.warned).map((r) => r.zone),
    exitCandidates: results.filter((r) => r.exitCandidate).map((r) => r.zone),
  };
}
