import path from 'node:path';
import { z } from 'zod';
import { DATA_DIR, readJson } from '../curated';
import { ITEM_TOKEN, type Lexicon, UNIT_TOKEN } from './lexicon';
import { createClassifier, type TokenClassifier } from './natural';
import { foldForMatch } from './normalize';

export const INTENTS = [
  'lead', 'co_units', 'unit_leads', 'unit_involved', 'content', 'original', 'deadline', 'procedure',
  'document', 'assessment', 'help', 'greeting', 'thanks', 'out_of_scope',
] as const;
export type Intent = (typeof INTENTS)[number];

/** Intents whose examples name no topic of the plan: their words are cues, not concepts. */
const CUE_INTENTS: ReadonlySet<Intent> = new Set(['lead', 'co_units', 'unit_leads', 'unit_involved', 'deadline', 'original', 'help', 'greeting', 'thanks']);

const examples = z.object({ zh: z.array(z.string().trim().min(1)).min(10), en: z.array(z.string().trim().min(1)).min(10) });
const intentsSchema = z.object({
  intents: z.object(Object.fromEntries(INTENTS.map((i) => [i, examples])) as Record<Intent, typeof examples>).strict(),
});

/** A stretch of the question that was recognized as a mention and stands in the features as one placeholder token. */
export interface Mask {
  start: number;
  end: number;
  token: string;
}

/** Features for the classifier: words and character bigrams, with recognized mentions replaced by placeholders. */
export function features(lexicon: Lexicon, text: string, masks: Mask[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const m of [...masks].sort((a, b) => a.start - b.start)) {
    const piece = text.slice(at, m.start);
    out.push(...lexicon.words(piece), ...lexicon.bigrams(piece), m.token);
    at = Math.max(at, m.end);
  }
  const rest = text.slice(at);
  out.push(...lexicon.words(rest), ...lexicon.bigrams(rest));
  return out;
}

function placeholderMasks(text: string): Mask[] {
  return [...text.matchAll(/\{(unit|item)\}/g)].map((m) => ({
    start: m.index!,
    end: m.index! + m[0].length,
    token: m[1] === 'unit' ? UNIT_TOKEN : ITEM_TOKEN,
  }));
}

export interface IntentScore {
  intent: Intent;
  p: number;
}

/** natural's naive Bayes, trained at start-up on the example utterances of knowledge/data/intents.json. */
export class IntentClassifier {
  private readonly classifier: TokenClassifier = createClassifier();
  /** Words of the examples of intents that carry no topic (who leads, deadlines, greetings …). */
  readonly cueWords = new Set<string>();

  constructor(private readonly lexicon: Lexicon, file = path.join(DATA_DIR, 'intents.json')) {
    const { intents } = readJson(file, intentsSchema);
    for (const intent of INTENTS) {
      for (const example of [...intents[intent].zh, ...intents[intent].en]) {
        const text = foldForMatch(example);
        const tokens = features(lexicon, text, placeholderMasks(text));
        if (tokens.length) this.classifier.addDocument(tokens, intent);
        if (CUE_INTENTS.has(intent)) lexicon.words(text).forEach((w) => this.cueWords.add(w));
      }
    }
    this.classifier.train();
  }

  /** Intents from most to least likely, probabilities summing to 1. */
  classify(text: string, masks: Mask[]): IntentScore[] {
    const tokens = features(this.lexicon, text, masks);
    if (tokens.length === 0) return [{ intent: 'out_of_scope', p: 1 }];
    const scores = this.classifier.getClassifications(tokens);
    const total = scores.reduce((sum, s) => sum + s.value, 0) || 1;
    return scores.map((s) => ({ intent: s.label as Intent, p: s.value / total }));
  }
}
