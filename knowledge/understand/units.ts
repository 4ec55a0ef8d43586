import type { DirectoryUnit } from '../curated';
import { addToList } from './lists';
import { editsWithin } from './natural';
import { foldForMatch } from './normalize';

/** A mention of a unit in a question, resolved to the plan's units (a successor may stand for several). */
export interface UnitMention {
  start: number;
  end: number;
  text: string;
  units: string[];
  /** How it was matched: the name as written, an alias or a successor's name, or a near miss. */
  via: 'exact' | 'fuzzy';
}

interface Alias {
  /** Its place among the aliases, longest first: the order in which mentions are taken. */
  rank: number;
  form: string;
  units: string[];
  latin: boolean;
  words: number;
  lastWordInitial: string;
}

const UNIT_SUFFIX = /[厅委局办行关署部门会]$/;

/**
 * Finds units in folded question text: by the name the plan uses, full name, abbreviation,
 * successor name or English name, and by near misses (one wrong, missing or swapped character
 * in a Chinese name; Jaro-Winkler for English names).
 */
export class UnitRecognizer {
  private readonly aliases: Alias[];
  /** The aliases by their first character, so that finding them costs a lookup per character of the text. */
  private readonly aliasesByFirst = new Map<string, Alias[]>();
  /** Chinese names of four characters or more by their last character (厅, 委, 局 …), for near misses. */
  private readonly chineseByLast = new Map<string, Alias[]>();

  constructor(directory: DirectoryUnit[]) {
    const byForm = new Map<string, Set<string>>();
    const add = (form: string, unit: string) => {
      const folded = foldForMatch(form);
      if (folded.length < 2) return;
      if (!byForm.has(folded)) byForm.set(folded, new Set());
      byForm.get(folded)!.add(unit);
    };
    for (const u of directory) {
      [u.name, u.fullName, ...u.abbreviations].forEach((f) => add(f, u.name));
      [u.english, ...u.englishAliases].flatMap(englishVariants).forEach((f) => add(f, u.name));
      for (const s of u.successors) {
        [s.name, s.fullName, ...s.aliases].forEach((f) => add(f, u.name));
        [s.english, ...s.englishAliases].flatMap(englishVariants).forEach((f) => add(f, u.name));
      }
    }
    this.aliases = [...byForm.entries()]
      .map(([form, units]) => ({
        form,
        units: [...units],
        latin: !/[\u3400-\u9fff]/.test(form),
        words: form.split(' ').length,
        lastWordInitial: form.split(' ').at(-1)![0],
      }))
      .sort((a, b) => b.form.length - a.form.length)
      .map((alias, rank) => ({ rank, ...alias }));
    for (const alias of this.aliases) {
      addToList(this.aliasesByFirst, alias.form[0], alias);
      if (!alias.latin && alias.form.length >= 4) addToList(this.chineseByLast, alias.form.at(-1)!, alias);
    }
  }

  /** Non-overlapping mentions, longest first, in the order they stand in the text. */
  find(text: string): UnitMention[] {
    const taken: UnitMention[] = [];
    const free = (start: number, end: number) => taken.every((m) => end <= m.start || start >= m.end);
    for (const { alias, start } of this.exactMatches(text)) {
      const end = start + alias.form.length;
      if (free(start, end)) taken.push({ start, end, text: text.slice(start, end), units: alias.units, via: 'exact' });
    }
    for (const m of [...this.nearChinese(text), ...this.nearEnglish(text)]) {
      if (free(m.start, m.end)) taken.push(m);
    }
    return taken.sort((a, b) => a.start - b.start);
  }

  /** Every place an alias stands in the text, longest alias first, then from left to right. */
  private exactMatches(text: string): Array<{ alias: Alias; start: number }> {
    const found: Array<{ alias: Alias; start: number }> = [];
    for (let start = 0; start < text.length; start++) {
      for (const alias of this.aliasesByFirst.get(text[start]) ?? []) {
        if (text.startsWith(alias.form, start) && standsAlone(text, start, alias)) found.push({ alias, start });
      }
    }
    return found.sort((a, b) => a.alias.rank - b.alias.rank || a.start - b.start);
  }

  /** A Chinese name with one typo: only windows that end like a unit name (厅, 委, 局 …) are tried. */
  private nearChinese(text: string): UnitMention[] {
    const found: UnitMention[] = [];
    for (let end = 1; end <= text.length; end++) {
      if (!UNIT_SUFFIX.test(text.slice(end - 1, end))) continue;
      let best: { alias: Alias; start: number } | null = null;
      for (const alias of this.chineseByLast.get(text[end - 1]) ?? []) {
        for (const len of [alias.form.length - 1, alias.form.length, alias.form.length + 1]) {
          const start = end - len;
          if (start < 0) continue;
          if (editsWithin(text.slice(start, end), alias.form, 1) === 1 && (!best || alias.form.length > best.alias.form.length)) {
            best = { alias, start };
          }
        }
      }
      if (best) found.push({ start: best.start, end, text: text.slice(best.start, end), units: best.alias.units, via: 'fuzzy' });
    }
    return found;
  }

  /**
   * An English name with a typo: word n-grams of the same word count within two edits (and a
   * tenth of the length). Edits rather than Jaro-Winkler: its bonus for a shared prefix would
   * read "intellectual property work" as "intellectual property office".
   */
  private nearEnglish(text: string): UnitMention[] {
    const words = [...text.matchAll(/[a-z][a-z'&-]*/g)];
    if (words.length < 2) return [];
    const found: UnitMention[] = [];
    for (const alias of this.aliases) {
      if (!alias.latin || alias.form.length < 10) continue;
      const n = alias.words;
      for (let i = 0; i + n <= words.length; i++) {
        const start = words[i].index;
        const last = words[i + n - 1];
        const end = last.index + last[0].length;
        // Cheap filters first: typos rarely hit the first letter of the first and of the last word.
        if (Math.abs(end - start - alias.form.length) > 2 || text[start] !== alias.form[0] || last[0][0] !== alias.lastWordInitial)
          continue;
        const edits = editsWithin(text.slice(start, end), alias.form, 2);
        if (edits > 0 && edits <= Math.min(2, Math.floor(alias.form.length / 10))) {
          found.push({ start, end, text: text.slice(start, end), units: alias.units, via: 'fuzzy' });
        }
      }
    }
    return found;
  }
}

const ENGLISH_PREFIX = /^(?:the |shandong provincial |shandong province |shandong |provincial )+/;
const ENGLISH_SUFFIX = / of (?:shandong province|shandong provincial people's government|shandong|the people's republic of china)$/;

/**
 * The ways people write an official English name: "Shandong Provincial Department of Natural
 * Resources" is also "Department of Natural Resources" and "Natural Resources Department".
 */
function englishVariants(name: string): string[] {
  const full = foldForMatch(name);
  const core = full.replace(ENGLISH_PREFIX, '').replace(ENGLISH_SUFFIX, '').replace(ENGLISH_PREFIX, '');
  const variants = new Set([full, core]);
  const ofForm = /^(department|bureau|office|administration|commission) (?:of|for) (.+)$/.exec(core);
  if (ofForm) variants.add(`${ofForm[2]} ${ofForm[1]}`);
  const suffixForm = /^(.+) (department|bureau|office|administration|commission)$/.exec(core);
  if (suffixForm) variants.add(`${suffixForm[2]} of ${suffixForm[1]}`);
  return [...variants].filter((v) => v.length >= 6);
}

/** English names stand as whole words: "drc" must not match inside "address". */
function standsAlone(text: string, start: number, alias: Alias): boolean {
  return !alias.latin || (!/[a-z]/.test(text[start - 1] ?? '') && !/[a-z]/.test(text[start + alias.form.length] ?? ''));
}
