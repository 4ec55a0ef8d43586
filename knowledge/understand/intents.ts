import { INTENTS, type Intent, type IntentExamples } from '../curated';
import { ITEM_TOKEN, type Lexicon, UNIT_TOKEN } from './lexicon';
import { createClassifier, type TokenClassifier } from './natural';
import { foldForMatch } from './normalize';

export type { Intent };

/**
 * Intents whose examples are framed around a question (who leads, deadlines, greetings …) and
 * intents whose examples are about topics. A word common in the first and rare in the second
 * (参与, 配合, 期限, deadline) is a cue of the question's kind, not a topic.
 */
const CUE_INTENTS: readonly Intent[] = [
  'lead',
  'co_units',
  'unit_leads',
  'unit_involved',
  'deadline',
  'original',
  'help',
  'greeting',
  'thanks',
];
const TOPIC_INTENTS: readonly Intent[] = ['content', 'procedure', 'assessment'];
const CUE_MIN_EXAMPLES = 2;
const CUE_RATIO = 3;
const MAX_INTENTS_PER_MARKER = 5;

/** A stretch of the question that was recognized as a mention and stands in the features as one placeholder token. */
export interface Mask {
  start: number;
  end: number;
  token: string;
}

/** Features for the classifier: words and character bigrams, with recognized mentions replaced by placeholders. */
export function features(lexicon: Lexicon, text: string, masks: Mask[]): string[] {
  const out: string[] = [];
  const add = (piece: string) => out.push(...lexicon.words(piece), ...lexicon.bigrams(piece));
  let at = 0;
  for (const m of [...masks].sort((a, b) => a.start - b.start)) {
    add(text.slice(at, m.start));
    out.push(m.token);
    at = Math.max(at, m.end);
  }
  add(text.slice(at));
  return out;
}

const PLACEHOLDER = /\{(unit|item)\}/g;

function placeholderMasks(text: string): Mask[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
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
  /** Per cue intent, the words that mark it: common in its examples, rare in the topic intents' examples. */
  private readonly cues = new Map<Intent, Set<string>>();
  /** Words that say what kind of question it is rather than what it is about. */
  readonly cueWords = new Set<string>();
  private readonly unitMarkers: Record<'unit_leads' | 'unit_involved', Map<string, number>>;

  constructor(
    private readonly lexicon: Lexicon,
    intents: IntentExamples,
  ) {
    const counts = new Map<Intent, Map<string, number>>(INTENTS.map((i) => [i, new Map()]));
    for (const intent of INTENTS) {
      for (const example of [...intents[intent].zh, ...intents[intent].en]) {
        const text = foldForMatch(example);
        const tokens = features(lexicon, text, placeholderMasks(text));
        if (tokens.length) this.classifier.addDocument(tokens, intent);
        const own = counts.get(intent)!;
        new Set(lexicon.words(text.replace(PLACEHOLDER, ' '))).forEach((w) => own.set(w, (own.get(w) ?? 0) + 1));
      }
    }
    this.classifier.train();
    const inTopics = (w: string) => [...TOPIC_INTENTS].reduce((n, i) => n + (counts.get(i)!.get(w) ?? 0), 0);
    // A word found in the examples of many intents (什么, 这个, in) marks none of them.
    const spread = (w: string) => INTENTS.filter((i) => counts.get(i)!.has(w)).length;
    const markers = (own: Map<string, number>, elsewhere: (word: string) => number) =>
      new Set([...distinctive(own, elsewhere)].filter((w) => spread(w) <= MAX_INTENTS_PER_MARKER));
    const weightedMarkers = (own: Map<string, number>, elsewhere: (word: string) => number) =>
      new Map([...markers(own, elsewhere)].map((w) => [w, Math.log((own.get(w)! + 1) / (elsewhere(w) + 1))]));
    for (const intent of CUE_INTENTS) {
      const marks = markers(counts.get(intent)!, inTopics);
      this.cues.set(intent, marks);
      marks.forEach((w) => this.cueWords.add(w));
    }
    // Leads or takes part: the words that tell the two unit questions apart, by how strongly.
    const leads = counts.get('unit_leads')!;
    const involved = counts.get('unit_involved')!;
    this.unitMarkers = {
      unit_leads: weightedMarkers(leads, (w) => involved.get(w) ?? 0),
      unit_involved: weightedMarkers(involved, (w) => leads.get(w) ?? 0),
    };
  }

  /** Whether the text says it is this kind of question (谁牵头 for lead, 配合 for co_units, 期限 for deadline …). */
  hasCue(text: string, intent: Intent): boolean {
    const marks = this.cues.get(intent);
    return !!marks && this.lexicon.words(text).some((w) => marks.has(w));
  }

  /**
   * For a question about a unit: what it leads, or everything it takes part in. The words that
   * mark each (牵头, lead / 参与, 涉及, involved) are weighed by how strongly they mark it; with
   * neither, everything it takes part in.
   */
  unitQuestion(text: string): 'unit_leads' | 'unit_involved' {
    const words = this.lexicon.words(text);
    const weigh = (marks: Map<string, number>) => words.reduce((sum, w) => sum + (marks.get(w) ?? 0), 0);
    return weigh(this.unitMarkers.unit_leads) > weigh(this.unitMarkers.unit_involved) ? 'unit_leads' : 'unit_involved';
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

/** Words of one set of examples that are common there and rare in another. */
function distinctive(own: Map<string, number>, elsewhere: (word: string) => number): Set<string> {
  return new Set([...own].filter(([w, n]) => n >= CUE_MIN_EXAMPLES && n >= CUE_RATIO * (elsewhere(w) + 1)).map(([w]) => w));
}
