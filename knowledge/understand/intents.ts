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

/**
 * Intents whose examples are framed around a question (who leads, deadlines, greetings …) and
 * intents whose examples are about topics. A word common in the first and rare in the second
 * (参与, 配合, 期限, deadline) is a cue of the question's kind, not a topic.
 */
const CUE_INTENTS: ReadonlySet<Intent> = new Set(['lead', 'co_units', 'unit_leads', 'unit_involved', 'deadline', 'original', 'help', 'greeting', 'thanks']);
const TOPIC_INTENTS: ReadonlySet<Intent> = new Set(['content', 'procedure', 'assessment']);
const UNIT_INTENTS: ReadonlySet<Intent> = new Set(['unit_leads', 'unit_involved']);
const CUE_MIN_EXAMPLES = 2;
const CUE_RATIO = 3;

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
export function features(lexicon: Lexicon, text: string, masks: Mask[], withBigrams = true): string[] {
  const out: string[] = [];
  const add = (piece: string) => out.push(...lexicon.words(piece), ...(withBigrams ? lexicon.bigrams(piece) : []));
  let at = 0;
  for (const m of [...masks].sort((a, b) => a.start - b.start)) {
    add(text.slice(at, m.start));
    out.push(m.token);
    at = Math.max(at, m.end);
  }
  add(text.slice(at));
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
  /**
   * Leads or takes part: a second classifier on the unit examples alone, on words without
   * bigrams, so that the one word that differs (牵头, 参与) is not outvoted by the many they share.
   */
  private readonly unitClassifier: TokenClassifier = createClassifier();
  /** Words that say what kind of question it is rather than what it is about. */
  readonly cueWords = new Set<string>();

  constructor(private readonly lexicon: Lexicon, file = path.join(DATA_DIR, 'intents.json')) {
    const { intents } = readJson(file, intentsSchema);
    const inCue = new Map<string, number>();
    const inTopic = new Map<string, number>();
    for (const intent of INTENTS) {
      for (const example of [...intents[intent].zh, ...intents[intent].en]) {
        const text = foldForMatch(example);
        const tokens = features(lexicon, text, placeholderMasks(text));
        if (tokens.length) this.classifier.addDocument(tokens, intent);
        if (UNIT_INTENTS.has(intent)) this.unitClassifier.addDocument(features(lexicon, text, placeholderMasks(text), false), intent);
        const counts = CUE_INTENTS.has(intent) ? inCue : TOPIC_INTENTS.has(intent) ? inTopic : null;
        new Set(lexicon.words(text)).forEach((w) => counts?.set(w, (counts.get(w) ?? 0) + 1));
      }
    }
    this.classifier.train();
    this.unitClassifier.train();
    inCue.forEach((n, w) => {
      if (n >= CUE_MIN_EXAMPLES && n >= CUE_RATIO * ((inTopic.get(w) ?? 0) + 1)) this.cueWords.add(w);
    });
  }

  /** Whether the text says what kind of question it is (谁牵头, 配合, 期限, 原文, deadline …). */
  hasCue(text: string): boolean {
    return this.lexicon.words(text).some((w) => this.cueWords.has(w));
  }

  /** For a question about a unit: whether it asks what the unit leads or everything it takes part in. */
  unitQuestion(text: string, masks: Mask[]): 'unit_leads' | 'unit_involved' {
    const [top] = this.unitClassifier.getClassifications(features(this.lexicon, text, masks, false));
    return top?.label === 'unit_leads' ? 'unit_leads' : 'unit_involved';
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
