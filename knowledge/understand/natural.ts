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

/* eslint-disable @typescript-eslint/no-require-imports */
const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier') as new () => TokenClassifier;
export const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as Stemmer;
const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer') as { WordTokenizer: new () => Tokenizer };
export const { DamerauLevenshteinDistance } = require('natural/lib/natural/distance/levenshtein_distance') as {
  DamerauLevenshteinDistance: (a: string, b: string) => number;
};
/* eslint-enable @typescript-eslint/no-require-imports */

export const wordTokenizer = new WordTokenizer();

export function createClassifier(): TokenClassifier {
  return new BayesClassifier();
}
