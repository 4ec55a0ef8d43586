import { addToList } from './lists';
import { PorterStemmer, Spellcheck, editsWithin } from './natural';

const HAN_RUN = /[\u3400-\u9fff]+/g;

/**
 * Near misses of the plan's key phrases (item titles and their parts, glossary terms): one
 * wrong, missing, extra or swapped character in a phrase of four or more characters, as in
 * 特色小真 → 特色小镇 or 腾龙换鸟 → 腾笼换鸟. Candidates are found by a shared first or last
 * character, so a question costs a few dozen comparisons.
 */
export class PhraseCorrector {
  private readonly byFirst = new Map<string, string[]>();
  private readonly byLast = new Map<string, string[]>();
  private readonly known: Set<string>;

  constructor(phrases: Iterable<string>) {
    this.known = new Set([...phrases].filter((p) => /^[\u3400-\u9fff]{4,12}$/.test(p)));
    for (const phrase of this.known) {
      addToList(this.byFirst, phrase[0], phrase);
      addToList(this.byLast, phrase.at(-1)!, phrase);
    }
  }

  /** The known phrases that the text misspells, with the stretch of text that misspells them. */
  corrections(text: string): Array<{ phrase: string; window: string }> {
    const found = new Map<string, string>();
    // Whether the text holds a phrase rightly is asked only of near misses, once each: a long text
    // of repeated characters (省省省…) makes thousands of candidates.
    const inText = new Map<string, boolean>();
    const written = (phrase: string) => inText.get(phrase) ?? inText.set(phrase, text.includes(phrase)).get(phrase)!;
    for (const run of text.match(HAN_RUN) ?? []) {
      for (let start = 0; start < run.length; start++) {
        for (let len = 4; len <= 13 && start + len <= run.length; len++) {
          const window = run.slice(start, start + len);
          for (const candidates of [this.byFirst.get(window[0]), this.byLast.get(window.at(-1)!)]) {
            for (const phrase of candidates ?? []) {
              if (Math.abs(phrase.length - len) > 1) continue;
              if (editsWithin(window, phrase, 1) === 1 && !written(phrase)) found.set(phrase, window);
            }
          }
        }
      }
    }
    return [...found].map(([phrase, window]) => ({ phrase, window }));
  }
}

/** Shorter words are left alone: one edit turns too many of them into another word ("tax" → "tap"). */
const MIN_CORRECTED_LENGTH = 5;
/** Longer "words" are no typos of English words. */
const MAX_CORRECTED_LENGTH = 24;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Typos in English words (foriegn → foreign, characteristc → characteristic), read against the
 * words the assistant knows: the plan's English overlay, the glossary, the units' English names
 * and the example questions. A word it knows, or another form of one (protected, protection),
 * is kept, and so is a word with no known word one edit away.
 */
export class EnglishSpeller {
  private readonly spellcheck: Spellcheck;
  /** The stems of the known words: "protected" is known through "protection", and is not read as "projected". */
  private readonly stems: Set<string>;

  constructor(words: string[]) {
    this.spellcheck = new Spellcheck(words);
    this.stems = new Set(words.map((w) => PorterStemmer.stem(w)));
  }

  correct(word: string): string {
    if (word.length < MIN_CORRECTED_LENGTH || word.length > MAX_CORRECTED_LENGTH) return word;
    if (this.spellcheck.isCorrect(word) || this.stems.has(PorterStemmer.stem(word))) return word;
    let best: string | undefined;
    for (const candidate of oneEditAway(word)) {
      if (!this.spellcheck.isCorrect(candidate)) continue;
      if (!best || this.spellcheck.word2frequency[candidate] > this.spellcheck.word2frequency[best]) best = candidate;
    }
    return best ?? word;
  }
}

/**
 * Every string one deletion, swap, replacement or insertion away, as Norvig's corrector makes them.
 * natural's own `getCorrections` makes the same but removes repeats in quadratic time: seconds
 * for one long nonsense word.
 */
function* oneEditAway(word: string): Generator<string> {
  for (let i = 0; i <= word.length; i++) {
    const [head, tail] = [word.slice(0, i), word.slice(i)];
    if (tail) yield head + tail.slice(1);
    if (tail.length > 1) yield head + tail[1] + tail[0] + tail.slice(2);
    for (const c of ALPHABET) {
      if (tail) yield head + c + tail.slice(1);
      yield head + c + tail;
    }
  }
}
