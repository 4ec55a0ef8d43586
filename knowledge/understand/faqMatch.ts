import type { FaqEntry } from '../faq';
import type { Lexicon } from './lexicon';
import { type Lang, normalizeQuestion } from './normalize';

/**
 * How alike a question and an entry's variant must be (cosine of their weighted terms) for the
 * entry to answer. Measured with the five entries of test/knowledge/faqEntries.ts: paraphrases and
 * typos scored 0.657 to 1.0 (请问办出口退税需要什么手续 0.657, 出口退锐怎么办理 0.667); the highest
 * unrelated question of test/eval/ was 外籍员工能不能在济南买房？ at 0.560 against the visa entry.
 */
export const FAQ_MIN_SIMILARITY = 0.6;

export interface FaqHit {
  entry: FaqEntry;
  similarity: number;
}

interface Variant {
  entry: FaqEntry;
  vector: Map<string, number>;
  norm: number;
}

/**
 * Finds the FAQ entry a question asks, by meaning rather than exact text: both sides go through
 * the engine's own normalisation (width, traditional characters, English spelling) and its jieba
 * terms (words, their parts, character bigrams, which carry a one-character typo), each term
 * weighted by how much it says (`weight`, the plan's idf, with words the plan never uses counted
 * as its rarest). The best variant of each entry counts.
 */
export class FaqMatcher {
  private readonly variants: Variant[];

  constructor(
    private readonly lexicon: Lexicon,
    private readonly weight: (term: string) => number,
    entries: readonly FaqEntry[],
  ) {
    this.variants = entries.flatMap((entry) =>
      entry.questions.map((q) => {
        const vector = this.vectorOf(normalizeQuestion(q, entry.lang).match);
        return { entry, vector, norm: normOf(vector) };
      }),
    );
  }

  get size(): number {
    return this.variants.length;
  }

  /** The best entry in the question's language, when it is alike enough. `match` is the normalized question. */
  best(match: string, lang: Lang): FaqHit | null {
    if (!this.variants.length) return null;
    const vector = this.vectorOf(match);
    const norm = normOf(vector);
    if (!norm) return null;
    let best: FaqHit | null = null;
    for (const v of this.variants) {
      if (v.entry.lang !== lang || !v.norm) continue;
      let dot = 0;
      vector.forEach((w, t) => (dot += w * (v.vector.get(t) ?? 0)));
      const similarity = dot / (norm * v.norm);
      if (!best || similarity > best.similarity) best = { entry: v.entry, similarity };
    }
    return best && best.similarity >= FAQ_MIN_SIMILARITY ? best : null;
  }

  private vectorOf(text: string): Map<string, number> {
    const vector = new Map<string, number>();
    this.lexicon.weightedTerms(text).forEach((w, t) => vector.set(t, w * this.weight(t)));
    return vector;
  }
}

function normOf(vector: Map<string, number>): number {
  let sum = 0;
  vector.forEach((w) => (sum += w * w));
  return Math.sqrt(sum);
}
