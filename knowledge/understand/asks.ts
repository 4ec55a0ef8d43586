import type { AskKindData } from '../curated';
import type { Lang } from './normalize';
import type { Span } from './speech';

/** A specific ask found in a question: its kind, the label the reply names it by, and where it stands. */
export interface SpecificAsk {
  kind: string;
  label: string;
  spans: Span[];
}

interface CompiledKind {
  kind: string;
  label: Record<Lang, string>;
  find: Record<Lang, RegExp>;
  answeredBy: RegExp;
}

/**
 * Finds what a question asks beyond its topic (knowledge/data/asks.json): the documents to
 * submit, the days it takes, an amount, a form or a place, the conditions, a contact, a date.
 * The plan sets policy, not procedures, so such an ask is seldom answered by its text.
 */
export class AskReader {
  private readonly kinds: CompiledKind[];

  constructor(data: AskKindData[]) {
    this.kinds = data.map((k) => ({
      kind: k.kind,
      label: k.label,
      find: { zh: anyOf(k.zh, 'gu'), en: anyOf(k.en, 'gu') },
      answeredBy: anyOf(k.answeredBy, 'u'),
    }));
  }

  /** The specific asks of the (folded) text, in the order of the data file, each with every place it matched. */
  read(text: string, lang: Lang): SpecificAsk[] {
    const found: SpecificAsk[] = [];
    for (const k of this.kinds) {
      const spans = [...text.matchAll(k.find[lang])]
        .filter((m) => m[0].length > 0)
        .map((m) => ({ start: m.index, end: m.index + m[0].length, text: m[0] }));
      if (spans.length) found.push({ kind: k.kind, label: k.label[lang], spans });
    }
    return found;
  }

  /** The asks that an item's text does not answer (no number of working days, no amount …). */
  unanswered(asks: SpecificAsk[], itemText: string): SpecificAsk[] {
    return asks.filter((a) => !this.kinds.find((k) => k.kind === a.kind)!.answeredBy.test(itemText));
  }
}

/** Patterns as one alternation. */
function anyOf(patterns: string[], flags: string): RegExp {
  return new RegExp(patterns.map((p) => `(?:${p})`).join('|'), flags);
}
