/**
 * natural, loaded module by module: its index also loads storage back-ends (MongoDB,
 * Postgres, Redis) that take a second to load and print to stdout. These are the parts we use.
 */

export interface Classification {
  label: string;
  value: number;
}

export interface TokenClassifier {
  addDocument(tokens: string[], label: string): void;
  train(): void;
  getClassifications(tokens: string[]): Classification[];
}

interface Stemmer {
  stem(word: string): string;
}

interface Tokenizer {
  tokenize(text: string): string[];
}

/** natural's naive Bayes keeps its model in `classifier`, which also takes sparse observations (feature → present). */
interface SparseBayes {
  classTotals: Record<string, number>;
  totalExamples: number;
  addExample(observation: Record<string, string>, label: string): void;
  train(): void;
  getClassifications(observation: Record<string, string>): Classification[];
}

/** natural's Norvig spellchecker over a word list: its trie of the words and how often each occurs. */
export interface Spellcheck {
  isCorrect(word: string): boolean;
  word2frequency: Record<string, number>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const Spellcheck = require('natural/lib/natural/spellcheck/spellcheck') as new (words: string[]) => Spellcheck;
const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier') as new () => { classifier: SparseBayes };
const porterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as Stemmer;
const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer') as { WordTokenizer: new () => Tokenizer };
const { DamerauLevenshteinDistance } = require('natural/lib/natural/distance/levenshtein_distance') as {
  DamerauLevenshteinDistance: (a: string, b: string) => number;
};
/* eslint-enable @typescript-eslint/no-require-imports */

export const wordTokenizer = new WordTokenizer();

/** How many stems PorterStemmer remembers; past it, it starts over (a question's words are few, the assistant's own a few thousand). */
const MAX_REMEMBERED_STEMS = 20_000;
const stems = new Map<string, string>();

/**
 * natural's Porter stemmer, remembering what it stemmed: the same few thousand words are stemmed
 * again and again while the engine starts (the overlay, the example questions, the speller's
 * words), and the stemmer is a pure function of the word.
 */
export const PorterStemmer: Stemmer = {
  stem(word: string): string {
    let stem = stems.get(word);
    if (stem === undefined) {
      if (stems.size >= MAX_REMEMBERED_STEMS) stems.clear();
      stem = porterStemmer.stem(word);
      stems.set(word, stem);
    }
    return stem;
  },
};

/**
 * Edits between two strings (natural's Damerau-Levenshtein), or Infinity when more than `max`
 * is certain without computing: strings that far apart cannot share that much of their ends.
 * Most candidates of a near-miss search end here, which keeps a question under a millisecond.
 */
export function editsWithin(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return Infinity;
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  // Each edit (a swap counts as one) spoils at most two characters of the longer string's ends.
  if (Math.max(a.length, b.length) - prefix - suffix > 2 * max) return Infinity;
  if (max === 1) return oneEditBetween(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix));
  return DamerauLevenshteinDistance(a, b);
}

/**
 * What is left of two strings between their common ends is one edit apart when it is one character
 * against none or another, or two characters swapped: 0 for none, 1, or Infinity for more.
 */
function oneEditBetween(a: string, b: string): number {
  if (!a.length && !b.length) return 0;
  if (a.length + b.length === 1 || (a.length === 1 && b.length === 1)) return 1;
  return a.length === 2 && b.length === 2 && a[0] === b[1] && a[1] === b[0] ? 1 : Infinity;
}

/**
 * natural's naive Bayes, fed sparse observations. Its token API turns every example into a dense
 * vector over the whole vocabulary (an indexOf per word): 0.8 s to train here, against a few ms.
 * The model and its arithmetic are natural's own either way.
 */
export function createClassifier(): TokenClassifier {
  const bayes = new BayesClassifier().classifier;
  const vocabulary = new Set<string>();
  const sparse = (tokens: string[]) => Object.fromEntries([...new Set(tokens)].map((t, i) => [String(i), t]));
  return {
    addDocument: (tokens, label) => {
      tokens.forEach((t) => vocabulary.add(t));
      bayes.addExample(sparse(tokens), label);
      // Its sparse path counts features but not examples (the dense path does): count them, so that
      // priors and feature probabilities are per class as the dense model has them.
      bayes.classTotals[label]++;
      bayes.totalExamples++;
    },
    train: () => bayes.train(),
    // As natural's own token API does, words never seen in training say nothing.
    getClassifications: (tokens) => bayes.getClassifications(sparse(tokens.filter((t) => vocabulary.has(t)))),
  };
}
