import type { SpeechData } from '../curated';
import { foldForMatch } from './normalize';
import type { Lang } from './normalize';

/** A part of the message, by its place in the folded text. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** What a message says around its ask, read from its structure (knowledge/data/speech.json). */
export interface Speech {
  /**
   * The message with what only says who is speaking and why (我是…的，领导让我查一下：) and the
   * phrases that only name the document as the place to look (这份计划里) blanked, offsets kept.
   */
  ask: string;
  /** What is said aside from the ask (the introduction, the reasons): the message with all else blanked, offsets kept. */
  aside: string;
  /** The clauses that introduce the speaker. */
  intro: Span[];
  /** Where the ask names the speaker's own unit (我们厅, our department). */
  selfReference: Span | null;
  /** Where the ask names the speaker's own zone (我们开发区, our zone). */
  ownZone: Span | null;
  /** Whether the ask, outside the introduction, speaks of the speaker at all (我, 我们, our). */
  firstPerson: boolean;
  /** Where the ask first does (我们有哪些任务要报进展？). */
  firstPersonAt: Span | null;
  /** Whether it asks for a unit's tasks whatever its role (牵头的和配合的都要, leading or supporting). */
  bothRoles: boolean;
  /** The kind of fact about the world now that the message asks for and nothing else, if it does. */
  worldFact: { kind: string; label: string } | null;
}

/** Each list of patterns as one alternation, so that a clause costs one match per list. */
interface Compiled {
  breaks: RegExp;
  intro: RegExp;
  purpose: RegExp;
  frame: RegExp[];
  asks: RegExp;
  firstPerson: RegExp;
  bothRoles: RegExp;
  selfReferences: RegExp;
  ownZone: RegExp;
  worldFacts: Array<{ kind: string; label: string; pattern: RegExp }>;
}

/**
 * Reads who is speaking from what is asked: a message's leading clauses that introduce the
 * speaker, its trailing clauses that say why, how it names the speaker's own unit or zone, and
 * whether every clause that asks asks for a fact about the world now (a price, a ranking, a visa).
 */
export class SpeechReader {
  private readonly compiled: Record<Lang, Compiled>;

  constructor(data: SpeechData) {
    const make = (lang: Lang): Compiled => ({
      breaks: new RegExp(data.clauseBreaks, 'gu'),
      intro: anyOf(data.introductions[lang]),
      purpose: anyOf(data.purposes[lang]),
      frame: data.frames[lang].map((p) => new RegExp(p, 'u')),
      asks: anyOf(data.asks[lang]),
      firstPerson: anyOf(data.firstPerson[lang]),
      bothRoles: anyOf(data.bothRoles[lang]),
      selfReferences: anyOf(data.selfReferences[lang].map(phrase)),
      ownZone: anyOf(data.ownZone[lang].map(phrase)),
      worldFacts: data.worldFacts.kinds.map((k) => ({ kind: k.kind, label: k.label[lang], pattern: anyOf(k[lang]) })),
    });
    this.compiled = { zh: make('zh'), en: make('en') };
  }

  read(text: string, lang: Lang): Speech {
    const c = this.compiled[lang];
    const clauses = splitClauses(text, c.breaks).map((span) => ({ ...span, asks: c.asks.test(span.text) }));
    const anyAsks = clauses.some((k) => k.asks);
    const blanked: Span[] = [];
    const intro: Span[] = [];
    // Who is speaking: the leading clauses that introduce, none of which asks.
    for (const clause of clauses) {
      // A clause that names the speaker's own unit (让我汇总本厅牵头的任务) says what is asked.
      if (clause.asks || !c.intro.test(clause.text) || c.selfReferences.test(clause.text)) break;
      intro.push(clause);
    }
    // Why: the trailing clauses that give a reason, when another clause asks.
    const purpose: Span[] = [];
    for (const clause of [...clauses].reverse()) {
      if (!anyAsks || clause.asks || intro.includes(clause) || !c.purpose.test(clause.text)) break;
      purpose.push(clause);
    }
    // A message that is all introduction (我是省商务厅的) has nothing else to ask with.
    if (intro.length + purpose.length === clauses.length) intro.length = purpose.length = 0;
    blanked.push(...intro, ...purpose);
    const rest = clauses.filter((k) => !intro.includes(k) && !purpose.includes(k));
    // Where to look: a phrase that names the document, in a clause that asks about something in it.
    for (const clause of rest) {
      for (const p of c.frame) {
        const m = p.exec(clause.text);
        if (m && m[0].length < clause.text.length)
          blanked.push({ start: clause.start + m.index, end: clause.start + m.index + m[0].length, text: m[0] });
      }
    }
    const ask = blank(text, blanked);
    const outside = rest.map((k) => k.text).join(' ');
    const asking = rest.filter((k) => k.asks);
    const kindOf = (clause: Span) => c.worldFacts.find((k) => k.pattern.test(clause.text));
    const facts = (asking.length ? asking : rest).map(kindOf);
    const fact = facts.length && facts.every((k) => k) ? facts[0]! : undefined;
    return {
      ask,
      aside: keep(text, [...intro, ...purpose]),
      intro,
      selfReference: findIn(ask, c.selfReferences),
      ownZone: findIn(ask, c.ownZone),
      firstPerson: c.firstPerson.test(outside),
      firstPersonAt: findIn(ask, c.firstPerson),
      bothRoles: c.bothRoles.test(ask),
      worldFact: fact ? { kind: fact.kind, label: fact.label } : null,
    };
  }
}

/** The clauses of a text, cut at its breaks, each with its place; empty ones left out. */
function splitClauses(text: string, breaks: RegExp): Span[] {
  const out: Span[] = [];
  let from = 0;
  const add = (start: number, end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) out.push({ start: start + lead, end: start + lead + trimmed.length, text: trimmed });
  };
  for (const m of text.matchAll(breaks)) {
    add(from, m.index);
    from = m.index + m[0].length;
  }
  add(from, text.length);
  return out;
}

/** A phrase as a pattern's text: an English one as whole words. */
function phrase(p: string): string {
  const escaped = foldForMatch(p).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return /^[a-z]/.test(p) ? `\\b${escaped}\\b` : escaped;
}

/** Patterns as one alternation, in their order; one that can never match when there are none. */
function anyOf(patterns: string[]): RegExp {
  return new RegExp(patterns.length ? patterns.map((p) => `(?:${p})`).join('|') : '(?!)', 'u');
}

/** The leftmost match of the pattern, if any. */
function findIn(text: string, pattern: RegExp): Span | null {
  const m = pattern.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length, text: m[0] } : null;
}

/** The text with all but the spans blanked. */
function keep(text: string, spans: Span[]): string {
  let out = ' '.repeat(text.length);
  for (const s of spans) out = out.slice(0, s.start) + text.slice(s.start, s.end) + out.slice(s.end);
  return out;
}

function blank(text: string, spans: Span[]): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + ' '.repeat(s.end - s.start) + out.slice(s.end);
  return out;
}
