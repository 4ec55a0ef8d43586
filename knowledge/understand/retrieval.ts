import type { EnglishOverlay } from '../curated';
import type { Plan } from '../plan/types';
import type { Lexicon } from './lexicon';
import { addToList } from './lists';
import { foldForMatch } from './normalize';
import { PhraseCorrector } from './spelling';

/**
 * A question as retrieval sees it: weighted terms to score with, and the question's own content
 * words ("concepts"), each with the terms that would show an item speaks of it.
 */
export interface Query {
  terms: Map<string, number>;
  concepts: Concept[];
}

/**
 * A content word of the question. An item speaks of it when it holds any of `evidence` (the word,
 * its bigrams, the plan's terms the glossary or the corrector reads it as), or all of `parts`.
 */
export interface Concept {
  word: string;
  evidence: Set<string>;
  /** A word the plan never uses, by the shorter words it is made of (高新技术 → 高新, 技术): one alone is another topic. */
  parts: string[];
  aside?: boolean;
}

/** The id under which the document itself (its front matter and 总体要求) is indexed beside the items. */
export const DOCUMENT_ID = 'document';

export interface Hit {
  itemId: string;
  score: number;
  /** The share of the question's concepts (by idf) the item speaks of: 1 when it covers them all. */
  coverage: number;
}

const K1 = 1.2;
const B = 0.75;
/** A term in an item's title counts this many times its idf on top of BM25: titles are how people name tasks. */
const TITLE_WEIGHT = 1;
/** A colloquial word stands for the plan's term a little less surely than the term itself. */
const SYNONYM_WEIGHT = 0.8;
/** Words said aside from the ask (who is speaking, why) weigh this much of the ask's own. */
const ASIDE_WEIGHT = 0.5;
const A_NOT_A = /^(\p{Script=Han})[不没]\1/u;
/** How much of the score depends on covering the question's concepts. */
const COVERAGE_PULL = 0.75;

/**
 * BM25 over the plan's items. Each item is indexed by its Chinese words and bigrams (title
 * boosted) and by the stemmed words of its English overlay, so that one index serves both
 * languages; the glossary carries English and colloquial words over to the plan's own terms,
 * and near misses of key phrases are read as the phrases they miss.
 */
export class Retriever {
  private readonly docs: Array<{ itemId: string; tf: Map<string, number>; title: Set<string>; length: number }>;
  private readonly idf = new Map<string, number>();
  /** For each term, the documents that hold it, with its BM25 term-frequency part there, and whether it is in their title. */
  private readonly postings = new Map<string, Array<{ doc: number; tfPart: number; inTitle: boolean }>>();
  /** Glossary phrases as stemmed word sequences, by their first stem: "investment approvals" → [invest, approv]. */
  private readonly englishPhrases = new Map<string, Array<{ stems: readonly string[]; planTerm: string }>>();
  private readonly corrector: PhraseCorrector;
  /** A colloquial word the corrector may find misspelled, with the plan's term it stands for. */
  private readonly synonymTerms = new Map<string, string>();
  private readonly maxIdf: number;
  /** Terms of the plan's own text (titles, headings, items, the overlay), without the leads' names. */
  private readonly textTerms = new Set<string>();
  /** Words of the items' titles, Chinese and English: always topics. */
  private readonly titleWords = new Set<string>();
  /** The glossary's colloquial words, by their first character, with the plan's term each stands for. */
  private readonly synonymsByFirst = new Map<string, Array<{ synonym: string; planTerm: string }>>();

  /**
   * `cueWords` are words that only say what kind of question it is (协同, 多久, deadline): they
   * are not topics, so an item need not speak of them.
   */
  constructor(
    private readonly lexicon: Lexicon,
    plan: Plan,
    overlay: EnglishOverlay,
    private readonly cueWords: ReadonlySet<string> = new Set(),
  ) {
    const d = plan.document;
    const documentText = [
      d.title,
      d.noticeTitle,
      d.noticeText,
      d.preamble,
      plan.overall?.text,
      ...plan.sections.map((x) => x.title),
      ...plan.actions.map((a) => a.title),
    ].join('\n');
    const documentEnglish = [overlay.document.title, overlay.document.summary, overlay.overall.title, overlay.overall.summary].join(' ');
    const documentTerms = [...lexicon.searchTerms(foldForMatch(documentText)), ...this.englishTerms(documentEnglish)];
    const documentDoc = { itemId: DOCUMENT_ID, tf: counts(documentTerms), title: new Set<string>(), length: documentTerms.length };
    documentTerms.forEach((t) => this.textTerms.add(t));
    this.docs = plan.items.map((item) => {
      const english = overlay.items[item.id];
      const action = item.actionNo ? overlay.actions[String(item.actionNo)] : overlay.overall;
      const heading = item.actionTitle || (plan.sections.find((s) => s.kind === item.section)?.title ?? '');
      const title = [...lexicon.searchTerms(foldForMatch(item.title)), ...this.englishTerms(english.title)];
      const terms = [
        ...title,
        ...lexicon.searchTerms(foldForMatch(heading)),
        ...lexicon.searchTerms(foldForMatch(item.text)),
        ...this.englishTerms(`${english.summary} ${action.title}`),
      ];
      terms.forEach((t) => this.textTerms.add(t));
      const portfolio = item.lead ? portfolioOf(item.lead) : null;
      if (portfolio) terms.push(portfolio);
      title.forEach((t) => this.titleWords.add(t));
      return { itemId: item.id, tf: counts(terms), title: new Set(title), length: terms.length };
    });
    this.docs.push(documentDoc);
    const avgLength = this.docs.reduce((s, d) => s + d.length, 0) / this.docs.length;
    this.docs.forEach((d, doc) => {
      const lengthNorm = K1 * (1 - B + (B * d.length) / avgLength);
      d.tf.forEach((f, term) => {
        addToList(this.postings, term, { doc, tfPart: (f * (K1 + 1)) / (f + lengthNorm), inTitle: d.title.has(term) });
      });
    });
    const n = this.docs.length;
    this.postings.forEach((list, t) => this.idf.set(t, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5))));
    this.maxIdf = Math.log(1 + (n - 0.5) / 1.5);
    for (const term of lexicon.glossary) {
      for (const phrase of term.en) {
        const stems = lexicon.words(phrase);
        // A phrase made only of stopwords ("plan", "the tasks") says nothing about a topic.
        if (stems.every((s) => lexicon.isStopword(s))) continue;
        addToList(this.englishPhrases, stems[0], { stems, planTerm: term.planTerm });
      }
    }
    for (const term of lexicon.glossary) {
      for (const synonym of term.zh.slice(1)) {
        addToList(this.synonymsByFirst, synonym[0], { synonym, planTerm: term.planTerm });
        if (!this.idf.has(synonym)) this.synonymTerms.set(synonym, term.planTerm);
      }
    }
    const titles = plan.items.flatMap((i) => [i.title, ...i.title.split('、')]).map(foldForMatch);
    // Titles start with a verb (加快, 推进 …): the rest is how people name the task.
    const titleCores = titles.flatMap((t) => [t, t.slice(2)]);
    const planTerms = lexicon.glossary.flatMap((g) => g.zh.filter((z) => this.idf.has(z)));
    this.corrector = new PhraseCorrector([...titleCores, ...planTerms, ...this.synonymTerms.keys()]);
  }

  private englishTerms(text: string): string[] {
    return this.lexicon.words(foldForMatch(text)).filter((w) => /^[a-z]/.test(w) && !this.lexicon.isStopword(w));
  }

  /**
   * The weighted terms of a question: its own words; the plan's terms for glossary words and
   * near misses it contains; and `exact` phrases (a unit named in the text, like 商务部门)
   * where the plan's text itself uses them (not merely as an item's lead).
   */
  query(text: string, exact: string[] = [], aside = ''): Query {
    const terms = this.lexicon.weightedTerms(text);
    const concepts: Query['concepts'] = this.lexicon
      .words(text)
      .filter((w) => this.isConcept(w))
      .map((word) => this.concept(word));
    // What is said aside (我们是做动力电池的外资企业) counts for an item that speaks of it, never against one that does not.
    if (aside.trim()) {
      this.lexicon.weightedTerms(aside, ASIDE_WEIGHT).forEach((w, t) => terms.set(t, Math.max(terms.get(t) ?? 0, w)));
      const own = new Set(concepts.map((c) => c.word));
      for (const word of this.lexicon.words(aside)) {
        if (!own.has(word) && this.isConcept(word)) concepts.push({ ...this.concept(word), aside: true });
      }
    }
    const own = new Set(terms.keys());
    // An expansion stands for one word of the question: the plan's term and its parts, no bigrams.
    // It is evidence for that word through the term itself and what it adds (特色小真 → 特色小镇
    // and 小镇, not 特色 again; 招商引姿 → 招商, though the question has 招商 already).
    const expand = (phrase: string, weight: number, about: (word: string) => boolean) => {
      const added = this.lexicon.weightedTerms(phrase, weight, false);
      added.forEach((w, t) => terms.set(t, Math.max(terms.get(t) ?? 0, w)));
      // A plan's term the index holds only in parts (政企沟通 → 政企, 沟通) is evidence through its parts.
      const whole = this.idf.has(phrase);
      const evidence = [...added.keys()].filter((t) => t === phrase || !own.has(t) || !whole);
      concepts.filter((c) => about(c.word)).forEach((c) => evidence.forEach((t) => c.evidence.add(t)));
    };
    for (const { synonym, planTerm } of this.synonymsIn(text)) {
      expand(planTerm, SYNONYM_WEIGHT, (word) => synonym.includes(word) || word.includes(synonym));
    }
    // Numbers too: a glossary phrase may hold one (iso 14000).
    for (const { stems, planTerm } of this.englishMatches(this.lexicon.words(text).filter((w) => /^[a-z\d]/.test(w)))) {
      expand(planTerm, 1, (word) => stems.includes(word));
    }
    for (const { phrase, window } of this.corrector.corrections(text)) {
      if (this.replacesPlanWord(window, phrase)) continue;
      expand(this.synonymTerms.get(phrase) ?? phrase, SYNONYM_WEIGHT, (word) => window.includes(word));
    }
    exact.filter((p) => this.textTerms.has(p)).forEach((p) => terms.set(p, 1));
    return { terms, concepts };
  }

  /**
   * Whether a near miss would change a word the plan itself uses into another (高新技术企业 is no
   * typo of 高新技术产业: 企业 is a word of the plan); a typo makes a word the plan does not have.
   */
  private replacesPlanWord(window: string, phrase: string): boolean {
    return this.lexicon.words(window).some((w) => w.length >= 2 && this.idf.has(w) && !phrase.includes(w));
  }

  /** The glossary's colloquial words that the text contains, each once. */
  private synonymsIn(text: string): Array<{ synonym: string; planTerm: string }> {
    const found = new Set<{ synonym: string; planTerm: string }>();
    for (let at = 0; at < text.length; at++) {
      for (const entry of this.synonymsByFirst.get(text[at]) ?? []) {
        if (text.startsWith(entry.synonym, at)) found.add(entry);
      }
    }
    return [...found];
  }

  private concept(word: string): Concept {
    const terms = [...this.lexicon.weightedTerms(word).keys()];
    const parts = this.idf.has(word) ? [] : this.lexicon.partsOf(word);
    // 科技型 is 科技: one part is the word's topic; two or more make a compound the plan may hold only in pieces.
    if (parts.length < 2) return { word, evidence: new Set(terms), parts: [] };
    return { word, evidence: new Set(terms.filter((t) => !parts.includes(t))), parts };
  }

  private isConcept(word: string): boolean {
    if (this.lexicon.isStopword(word) || /^[\u3400-\u9fff]$/.test(word)) return false;
    // Everyday words the plan never uses (正在, 考虑, 一直) are how people talk, not what they ask about.
    if (!this.idf.has(word) && this.lexicon.isCommonWord(word)) return false;
    // jieba glues leftovers into words (在组织实施中要做 → 中要): made of function characters only, it is no topic.
    if ([...word].every((c) => this.lexicon.isStopword(c))) return false;
    // A-not-A (需不需要, 算不算) asks yes or no: it is how the question is put, not what it is about.
    if (A_NOT_A.test(word)) return false;
    return this.titleWords.has(word) || !this.cueWords.has(word);
  }

  /** Glossary phrases in a stemmed English question, longest first, not overlapping: "industry-city integration" before "integration". */
  private englishMatches(stems: string[]): Array<{ stems: readonly string[]; planTerm: string }> {
    const found: Array<{ at: number; stems: readonly string[]; planTerm: string }> = [];
    stems.forEach((stem, at) => {
      for (const phrase of this.englishPhrases.get(stem) ?? []) {
        if (phrase.stems.every((s, k) => stems[at + k] === s)) found.push({ at, ...phrase });
      }
    });
    const kept: typeof found = [];
    for (const m of found.sort((a, b) => b.stems.length - a.stems.length)) {
      const insideLonger = kept.some(
        (k) => k.stems.length > m.stems.length && m.at < k.at + k.stems.length && k.at < m.at + m.stems.length,
      );
      if (!insideLonger) kept.push(m);
    }
    return kept;
  }

  search(query: Query, within?: (itemId: string) => boolean): Hit[] {
    const scores = new Array<number>(this.docs.length).fill(0);
    query.terms.forEach((weight, term) => {
      const idf = this.idf.get(term) ?? 0;
      for (const { doc, tfPart, inTitle } of this.postings.get(term) ?? []) {
        scores[doc] += weight * idf * tfPart;
        if (inTitle) scores[doc] += TITLE_WEIGHT * weight * idf;
      }
    });
    const hits: Hit[] = [];
    this.docs.forEach((d, doc) => {
      if (scores[doc] <= 0 || (within && !within(d.itemId))) return;
      const coverage = this.coverage(query, d.tf);
      // An item that leaves concepts of the question unaccounted for ranks below one that covers them.
      hits.push({ itemId: d.itemId, score: scores[doc] * (1 - COVERAGE_PULL + COVERAGE_PULL * coverage), coverage });
    });
    return hits.sort((a, b) => b.score - a.score);
  }

  private coverage(query: Query, tf: Map<string, number>): number {
    let total = 0;
    let covered = 0;
    for (const c of query.concepts) {
      // A word the plan never uses weighs as much as its rarest word.
      const weight = this.idf.get(c.word) ?? this.maxIdf;
      // A compound found by parts only (高新技术 by 技术) is covered by their share of it.
      const inParts = c.parts.filter((p) => tf.has(p)).reduce((n, p) => n + p.length, 0);
      const found = [...c.evidence].some((t) => tf.has(t)) ? weight : weight * Math.min(1, inParts / c.word.length);
      if (c.aside && !found) continue;
      total += weight;
      covered += found;
    }
    // A question with no concept of its own (only cue words and named units) leaves nothing uncovered.
    return total ? covered / total : 1;
  }

  /**
   * How much a term says in any text, not only the plan's: its idf; a word the plan never uses
   * as much as the plan's rarest, unless it is common in general Chinese. For FAQ matching.
   */
  rarity(term: string): number {
    const idf = this.idf.get(term);
    if (idf !== undefined) return idf;
    return this.lexicon.isCommonWord(term) ? 1 : this.maxIdf;
  }

  /** How much a term says (its idf), for picking the sentences that answer. */
  weight(term: string): number {
    return this.idf.get(term) ?? 0;
  }
}

/**
 * What a unit's name says it is responsible for: 省环保厅 → 环保, 省国土资源厅 → 国土资源 (the name
 * without 省 and 厅/委/局/办). An item is indexed by its lead's, so "谁负责环保" finds what that
 * unit leads; only the whole word counts, not its parts (保障 of 社会保障 is no topic).
 */
function portfolioOf(unit: string): string | null {
  const core = foldForMatch(unit)
    .replace(/^(山东)?省/, '')
    .replace(/[厅委局办]$/, '');
  return core.length >= 2 && core !== foldForMatch(unit) ? core : null;
}

function counts(terms: string[]): Map<string, number> {
  const tf = new Map<string, number>();
  terms.forEach((t) => tf.set(t, (tf.get(t) ?? 0) + 1));
  return tf;
}
