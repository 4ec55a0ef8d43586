import { type CsvRecord, CsvReadError, neutralizeCsvCell, readCsvRecords, restoreCsvCell } from './csv';
import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../db';
import { MAX_QUESTION_CHARS, type Lang } from './understand/normalize';

/**
 * FAQ entries: answers that the plan's units gave to questions the plan does not answer (a hand-off
 * answered, then published by an admin), kept in the database and ranked by the engine beside the
 * plan's items. The plan's items still win where the plan answers (see AnswerEngine.setFaq).
 */
export interface FaqEntry {
  /** F-0001: short, to type in `faq edit`. */
  id: string;
  lang: Lang;
  /** The ways people ask it, one or more. */
  questions: string[];
  answer: string;
  /** The plan's unit that answered, as the plan names it (省商务厅). */
  unit: string;
  /** The day of the unit's answer, YYYY-MM-DD. */
  sourceDate: string;
  /** The hand-off it was published from (Q-2026-0042), or null. */
  handoffRef: string | null;
}

export type FaqInput = Omit<FaqEntry, 'id' | 'handoffRef'> & { handoffRef?: string | null };
export type FaqChanges = Partial<Pick<FaqEntry, 'questions' | 'answer'>>;

/** A CSV import is refused above this size, before it is parsed: the whole FAQ is a few hundred entries. */
export const MAX_FAQ_CSV_BYTES = 1_000_000;
/** At most this many entries a file. */
export const MAX_FAQ_CSV_ROWS = 2_000;
/** An answer is shown in a chat message: longer ones belong in a document. */
export const MAX_FAQ_ANSWER_CHARS = 2_000;
/** Variants of one entry: more than this is a list of other questions. */
export const MAX_FAQ_VARIANTS = 20;
/** The CSV's columns, in this order; `questions` holds the variants separated by `|`. */
export const FAQ_CSV_COLUMNS = ['id', 'lang', 'questions', 'answer', 'unit', 'source_date'] as const;
export const QUESTION_SEPARATOR = '|';

const ID = /^F-\d{4,}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An entry that cannot be stored (a missing answer, an unknown unit): each problem in words. */
export class FaqError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'FaqError';
  }
}

/** Where FAQ entries are kept. Every change is one transaction, and changes the revision. */
export interface FaqStore {
  list(): Promise<FaqEntry[]>;
  get(id: string): Promise<FaqEntry | null>;
  /** Publishes a new entry; its id is the next free F-NNNN. */
  add(input: FaqInput): Promise<FaqEntry>;
  edit(id: string, changes: FaqChanges): Promise<FaqEntry>;
  remove(id: string): Promise<FaqEntry>;
  /** Stores every entry of a parsed CSV (an id that exists is replaced, an empty id is a new entry), all or none. */
  importEntries(rows: FaqCsvRow[]): Promise<{ added: number; replaced: number }>;
  /** Changes whenever an entry does; cheap, for a server in another process to see that it must reload. */
  revision(): Promise<string | null>;
}

/** One row of an FAQ CSV, checked; `id` is null when the row is a new entry. */
export type FaqCsvRow = Omit<FaqInput, 'handoffRef'> & { id: string | null; line: number };

interface FaqRow {
  id: string;
  lang: Lang;
  questions: string;
  answer: string;
  unit: string;
  source_date: string;
  handoff_ref: string | null;
}

/**
 * FAQ entries in kb_faq, in SQL that SQLite and PostgreSQL both run. `isUnit` says whether a
 * name is a unit of the plan: an entry must be answered by one, whose name today the citation gives.
 */
export class SqlFaqStore implements FaqStore {
  constructor(
    private readonly db: Database,
    private readonly isUnit: (name: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<FaqEntry[]> {
    return (await this.db.all<FaqRow>('SELECT * FROM kb_faq ORDER BY id')).map(entryOf);
  }

  async get(id: string): Promise<FaqEntry | null> {
    const row = await this.db.get<FaqRow>('SELECT * FROM kb_faq WHERE id = ?', [id]);
    return row ? entryOf(row) : null;
  }

  // async: a refused entry is a rejected promise, as every other failure of the store is.
  async add(input: FaqInput): Promise<FaqEntry> {
    const entry = this.checked(input);
    return await this.db.transaction(async () => {
      const id = await this.nextId();
      await this.insert({ ...entry, id });
      await this.touch();
      return { ...entry, id };
    });
  }

  edit(id: string, changes: FaqChanges): Promise<FaqEntry> {
    return this.db.transaction(async () => {
      const before = await this.existing(id);
      // A change left out keeps what is stored (spreading `{ answer: undefined }` would erase it).
      const wanted = { questions: changes.questions ?? before.questions, answer: changes.answer ?? before.answer };
      const after = { ...this.checked({ ...before, ...wanted }), id };
      await this.db.run('UPDATE kb_faq SET questions = ?, answer = ?, updated_at = ? WHERE id = ?', [
        JSON.stringify(after.questions),
        after.answer,
        this.now(),
        id,
      ]);
      await this.touch();
      return after;
    });
  }

  remove(id: string): Promise<FaqEntry> {
    return this.db.transaction(async () => {
      const entry = await this.existing(id);
      await this.db.run('DELETE FROM kb_faq WHERE id = ?', [id]);
      await this.touch();
      return entry;
    });
  }

  async importEntries(rows: FaqCsvRow[]): Promise<{ added: number; replaced: number }> {
    const problems = rows.flatMap((r) => entryProblems(r, this.isUnit).map((p) => `line ${r.line}: ${p}`));
    if (problems.length) throw new FaqError(problems);
    return await this.db.transaction(async () => {
      let added = 0;
      let replaced = 0;
      for (const { line: _line, id, ...input } of rows) {
        const entry = { ...normalized(input), handoffRef: null };
        if (id && (await this.get(id))) {
          await this.db.run(
            'UPDATE kb_faq SET lang = ?, questions = ?, answer = ?, unit = ?, source_date = ?, updated_at = ? WHERE id = ?',
            [entry.lang, JSON.stringify(entry.questions), entry.answer, entry.unit, entry.sourceDate, this.now(), id],
          );
          replaced++;
        } else {
          await this.insert({ ...entry, id: id ?? (await this.nextId()) });
          added++;
        }
      }
      await this.touch();
      return { added, replaced };
    });
  }

  async revision(): Promise<string | null> {
    const row = await this.db.get<{ value: string }>("SELECT value FROM kb_meta WHERE key = 'faq_revision'");
    return row?.value ?? null;
  }

  private checked(input: FaqInput): Omit<FaqEntry, 'id'> {
    const problems = entryProblems(input, this.isUnit);
    if (problems.length) throw new FaqError(problems);
    return { ...normalized(input), handoffRef: input.handoffRef ?? null };
  }

  private async existing(id: string): Promise<FaqEntry> {
    const entry = await this.get(id);
    if (!entry) throw new FaqError([`no FAQ entry ${id} (see \`faq list\`)`]);
    return entry;
  }

  /** The next F-NNNN after the highest: ids are compared as numbers, since F-10000 sorts before F-9999 as text. */
  private async nextId(): Promise<string> {
    const ids = await this.db.all<{ id: string }>('SELECT id FROM kb_faq');
    const highest = Math.max(0, ...ids.map((r) => Number(r.id.slice(2))));
    return `F-${String(highest + 1).padStart(4, '0')}`;
  }

  private async insert(e: FaqEntry): Promise<void> {
    const at = this.now();
    await this.db.run(
      'INSERT INTO kb_faq (id, lang, questions, answer, unit, source_date, handoff_ref, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [e.id, e.lang, JSON.stringify(e.questions), e.answer, e.unit, e.sourceDate, e.handoffRef, at, at],
    );
  }

  /** A new random revision: a counter would start again at 1 after a rebuild of the plan empties kb_meta. */
  private async touch(): Promise<void> {
    await this.db.run(
      "INSERT INTO kb_meta (key, value) VALUES ('faq_revision', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [randomUUID()],
    );
  }
}

function entryOf(r: FaqRow): FaqEntry {
  return {
    id: r.id,
    lang: r.lang,
    questions: JSON.parse(r.questions) as string[],
    answer: r.answer,
    unit: r.unit,
    sourceDate: r.source_date,
    handoffRef: r.handoff_ref,
  };
}

function normalized(input: Omit<FaqInput, 'handoffRef'>): Omit<FaqEntry, 'id' | 'handoffRef'> {
  return {
    lang: input.lang,
    questions: input.questions.map((q) => q.trim()).filter(Boolean),
    answer: input.answer.trim(),
    unit: input.unit.trim(),
    sourceDate: input.sourceDate.trim(),
  };
}

/** Everything wrong with an entry, in words an admin can act on; empty when it may be stored. */
export function entryProblems(input: Omit<FaqInput, 'handoffRef'>, isUnit: (name: string) => boolean): string[] {
  const e = normalized(input);
  const problems: string[] = [];
  if (e.lang !== 'zh' && e.lang !== 'en') problems.push(`lang must be zh or en, not “${String(input.lang)}”`);
  if (!e.questions.length) problems.push('give at least one question');
  if (e.questions.length > MAX_FAQ_VARIANTS) problems.push(`at most ${MAX_FAQ_VARIANTS} question variants, not ${e.questions.length}`);
  const long = e.questions.find((q) => q.length > MAX_QUESTION_CHARS);
  if (long) problems.push(`a question is longer than ${MAX_QUESTION_CHARS} characters: “${long.slice(0, 30)}…”`);
  if (e.questions.some((q) => q.includes(QUESTION_SEPARATOR)))
    problems.push(`a question may not contain “${QUESTION_SEPARATOR}”, which separates them in CSV`);
  if (!e.answer) problems.push('the answer is empty');
  if (e.answer.length > MAX_FAQ_ANSWER_CHARS) problems.push(`the answer is longer than ${MAX_FAQ_ANSWER_CHARS} characters`);
  if (!isUnit(e.unit)) problems.push(`“${e.unit}” is not a unit the plan names (give it as the plan does: 省商务厅)`);
  if (!isDate(e.sourceDate)) problems.push(`source_date must be a date YYYY-MM-DD, not “${e.sourceDate}”`);
  return problems;
}

function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * Reads an FAQ CSV (columns id,lang,questions,answer,unit,source_date; a header line first;
 * variants separated by `|`) and checks each row; any problem refuses the whole file, each
 * problem with its line. The unit is checked on import, against the plan.
 */
export function parseFaqCsv(content: Buffer | string, isUnit: (name: string) => boolean): FaqCsvRow[] {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > MAX_FAQ_CSV_BYTES) {
    throw new FaqError([
      `the file is ${size.toLocaleString('en')} bytes: at most ${MAX_FAQ_CSV_BYTES.toLocaleString('en')} are imported at once`,
    ]);
  }
  const text = typeof content === 'string' ? content : content.toString('utf8');
  if (text.includes('\uFFFD')) throw new FaqError(['the file is not UTF-8: save it as CSV UTF-8']);
  let records: CsvRecord[];
  try {
    records = readCsvRecords(text, MAX_FAQ_CSV_ROWS + 2);
  } catch (err) {
    if (err instanceof CsvReadError) throw new FaqError([err.message]);
    throw err;
  }
  const [header, ...body] = records;
  if (!header) throw new FaqError([`the file is empty: expected a header line ${FAQ_CSV_COLUMNS.join(',')}`]);
  if (header.fields.map((h) => h.toLowerCase()).join(',') !== FAQ_CSV_COLUMNS.join(',')) {
    throw new FaqError([`line ${header.line}: the header must be ${FAQ_CSV_COLUMNS.join(',')}, not ${header.fields.join(',')}`]);
  }
  if (body.length > MAX_FAQ_CSV_ROWS) throw new FaqError([`the file has more than ${MAX_FAQ_CSV_ROWS} entries`]);
  const problems: string[] = [];
  const rows: FaqCsvRow[] = [];
  const seen = new Set<string>();
  for (const r of body) {
    const { line } = r;
    if (r.fields.length !== FAQ_CSV_COLUMNS.length) {
      problems.push(`line ${line}: ${r.fields.length} columns, expected ${FAQ_CSV_COLUMNS.length} (${FAQ_CSV_COLUMNS.join(',')})`);
      continue;
    }
    const [id, lang, questions, answer, unit, sourceDate] = r.fields.map(restoreCsvCell);
    const row: FaqCsvRow = {
      id: id || null,
      lang: lang as Lang,
      questions: questions.split(QUESTION_SEPARATOR),
      answer,
      unit,
      sourceDate,
      line,
    };
    const own = entryProblems(row, isUnit);
    if (id && !ID.test(id)) own.unshift(`id must be empty (a new entry) or like F-0001, not “${id}”`);
    if (id && seen.has(id)) own.unshift(`id ${id} is given twice`);
    if (id) seen.add(id);
    problems.push(...own.map((p) => `line ${line}: ${p}`));
    rows.push(row);
  }
  if (problems.length) throw new FaqError(problems);
  return rows;
}

/**
 * The entries as CSV, in the columns parseFaqCsv reads, each cell safe to open in a spreadsheet: an
 * export imported again changes nothing.
 */
export function faqCsv(entries: FaqEntry[]): string {
  return stringify(
    entries.map((e) => [e.id, e.lang, e.questions.join(QUESTION_SEPARATOR), e.answer, e.unit, e.sourceDate].map(neutralizeCsvCell)),
    { header: true, columns: [...FAQ_CSV_COLUMNS], bom: false },
  );
}
