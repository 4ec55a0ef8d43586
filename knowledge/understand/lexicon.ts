import fs from 'node:fs';
import path from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { DATA_DIR, type DirectoryUnit, type GlossaryTerm, loadCommonWords, loadGlossary, loadStopwords } from '../curated';
import type { Plan } from '../plan/types';
import { foldForMatch } from './normalize';
import { PorterStemmer, wordTokenizer } from './natural';
import { EnglishSpeller } from './spelling';

/** A placeholder that stands for a recognized mention (a unit, an item reference) in token lists. */
export const UNIT_TOKEN = '__unit__';
export const ITEM_TOKEN = '__item__';

const HAN_RUN = /[\u3400-\u9fff]+/g;
const HAN_SPLIT = /([\u3400-\u9fff]+)/;
const HAN_ONLY = /^[\u3400-\u9fff]+$/;
const LATIN = /^[a-z]+$/;
/** Names like iso9001 or g20 are kept whole, not stemmed. */
const LATIN_CODE = /^[a-z]+\d+[a-z\d]*$/;
const NUMBER = /^\d+$/;
/** How many cut texts the lexicon remembers; past it, it starts over. A question is at most 500 characters, so this is a few MB at most. */
const MAX_REMEMBERED_CUTS = 5_000;
/**
 * jieba's own dictionary, the file `@node-rs/jieba/dict` reads. That module keeps it and the IDF
 * table (which nothing here uses) as Buffers for the life of the process, 11 MB; read here, the
 * bytes are dropped once jieba has built its dictionary from them.
 */
const JIEBA_DICT = path.join(path.dirname(require.resolve('@node-rs/jieba/package.json')), 'dict.txt');

/**
 * Words and how to cut text into them: jieba with a user dictionary generated from the
 * knowledge base (unit names and their aliases, item and action titles, glossary terms),
 * natural's spellchecker and Porter stemmer for English, and the stopword lists.
 */
export class Lexicon {
  private readonly jieba: Jieba;
  readonly glossary: GlossaryTerm[];
  private readonly stopwords: Set<string>;
  private readonly speller: EnglishSpeller;
  private readonly unstemmed: Set<string>;
  private readonly commonWords: Set<string>;
  /**
   * Cuts already made: answering one question cuts the same text and words several times (terms,
   * concepts, intents), and people ask the same things; jieba and the stemmer are most of the cost.
   */
  private readonly cuts = new Map<string, readonly string[]>();

  /** `englishTexts`: English the assistant knows besides the glossary and the directory (the overlay, example questions), for spelling. */
  constructor(plan: Plan, directory: DirectoryUnit[], englishTexts: readonly string[] = [], dataDir = DATA_DIR) {
    this.glossary = loadGlossary(path.join(dataDir, 'glossary.json'), foldForMatch(wholeText(plan)));
    const stop = loadStopwords(path.join(dataDir, 'stopwords.json'));
    // English stopwords are compared with stemmed tokens, so both forms are kept.
    this.stopwords = new Set([...stop.zh, ...stop.en, ...stop.en.map((w) => PorterStemmer.stem(w))].map(foldForMatch));
    this.unstemmed = new Set(stop.unstemmed.map(foldForMatch));
    this.commonWords = new Set(loadCommonWords(path.join(dataDir, 'common-words.json')));
    const known = [...englishTexts, ...stop.en, ...this.glossary.flatMap((g) => g.en), ...directory.flatMap(englishNames)];
    this.speller = new EnglishSpeller(known.flatMap((t) => wordTokenizer.tokenize(foldForMatch(t))).filter((w) => LATIN.test(w)));
    this.jieba = Jieba.withDict(fs.readFileSync(JIEBA_DICT));
    this.jieba.loadDict(Buffer.from(userDictionary(plan, directory, this.glossary)));
  }

  isStopword(token: string): boolean {
    return this.stopwords.has(token);
  }

  /** Whether a Chinese word is common in general Chinese (正在, 考虑, 一直), by jieba's corpus statistics. */
  isCommonWord(word: string): boolean {
    return this.commonWords.has(word);
  }

  /**
   * Word tokens of folded text: runs of Han characters as jieba cuts them, the rest through
   * natural's word tokenizer with English words spelled right and stemmed; numbers and codes
   * (iso9001) kept whole.
   */
  words(text: string, forSearch = false): readonly string[] {
    const key = forSearch ? `s:${text}` : `w:${text}`;
    let cut = this.cuts.get(key);
    if (!cut) {
      if (this.cuts.size >= MAX_REMEMBERED_CUTS) this.cuts.clear();
      cut = Object.freeze(this.cut(text, forSearch));
      this.cuts.set(key, cut);
    }
    return cut;
  }

  private cut(text: string, forSearch: boolean): string[] {
    const out: string[] = [];
    for (const run of /[a-z0-9]/.test(text) ? text.split(HAN_SPLIT) : [text]) {
      if (!run) continue;
      if (!/[a-z0-9]/.test(run)) {
        const cut = forSearch ? this.jieba.cutForSearch(run, true) : this.jieba.cut(run, true);
        out.push(...cut.filter((w) => HAN_ONLY.test(w)));
        continue;
      }
      for (const token of wordTokenizer.tokenize(run)) {
        if (LATIN.test(token)) out.push(this.stem(this.speller.correct(token)));
        else if (LATIN_CODE.test(token) || NUMBER.test(token)) out.push(token);
      }
    }
    return out;
  }

  private stem(word: string): string {
    return this.unstemmed.has(word) ? word : PorterStemmer.stem(word);
  }

  /** Character bigrams of each run of Han characters: robust to segmentation and small typos. */
  bigrams(text: string): string[] {
    const out: string[] = [];
    for (const run of text.match(HAN_RUN) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    }
    return out;
  }

  /** Terms of a document for retrieval: the content words, the shorter words inside them, and their bigrams. */
  searchTerms(text: string): string[] {
    const content = this.words(text).filter((w) => !this.isStopword(w));
    return [...content, ...content.flatMap((w) => this.partsOf(w)), ...this.bigrams(content.join(' '))];
  }

  /**
   * Terms of a question with how much each counts: a content word fully, a shorter word inside
   * it half, a bigram or a lone character a little (they add robustness, not meaning).
   */
  weightedTerms(text: string, scale = 1, withBigrams = true): Map<string, number> {
    const terms = new Map<string, number>();
    const add = (t: string, w: number) => terms.set(t, Math.max(terms.get(t) ?? 0, w * scale));
    const content = this.words(text).filter((w) => !this.isStopword(w));
    for (const word of content) {
      add(word, /^[\u3400-\u9fff]$/.test(word) ? 0.3 : 1);
      this.partsOf(word).forEach((p) => add(p, 0.5));
    }
    if (withBigrams) this.bigrams(content.join(' ')).forEach((b) => add(b, 0.3));
    return terms;
  }

  /** The shorter words inside a long Chinese word: 土地开发利用 → 土地, 开发, 利用. */
  partsOf(word: string): string[] {
    if (word.length <= 2 || !/[\u3400-\u9fff]/.test(word)) return [];
    return this.words(word, true).filter((p) => p !== word && !this.isStopword(p));
  }
}

function englishNames(u: DirectoryUnit): string[] {
  return [u.english, ...u.englishAliases, ...u.successors.flatMap((s) => [s.english, ...s.englishAliases])];
}

/** Everything the plan says, headings and front matter included. */
function wholeText(plan: Plan): string {
  const d = plan.document;
  return [
    d.title,
    d.docNumber,
    d.issuer,
    d.noticeTitle,
    d.noticeText,
    d.preamble,
    ...d.addressees,
    ...d.copyTo,
    ...plan.sections.map((s) => s.title),
    plan.overall?.text,
    ...plan.actions.map((a) => a.title),
    ...plan.items.flatMap((i) => [i.title, i.text, ...i.units]),
  ].join('\n');
}

/** jieba's user dictionary: one `word frequency` line per term people will type as one word. */
function userDictionary(plan: Plan, directory: DirectoryUnit[], glossary: GlossaryTerm[]): string {
  const words = new Set<string>();
  for (const u of directory) {
    [u.name, u.fullName, ...u.abbreviations, ...u.successors.flatMap((s) => [s.name, s.fullName, ...s.aliases])].forEach((w) =>
      words.add(w),
    );
  }
  plan.items.forEach((i) => words.add(i.title));
  plan.actions.forEach((a) => words.add(a.title));
  glossary.forEach((g) => g.zh.forEach((w) => words.add(w)));
  return [...words]
    .map(foldForMatch)
    .filter((w) => /^[\u3400-\u9fff]{2,}$/.test(w))
    .map((w) => `${w} 2000`)
    .join('\n');
}
