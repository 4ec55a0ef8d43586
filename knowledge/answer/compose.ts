import { isMessageKey, type MessageKey, say, sayLines } from '../../catalogue';
import { foldForMatch } from '../understand/normalize';
import { sentences } from '../plan/text';
import type { Action, Deadline } from '../plan/types';
import type { Lang } from '../understand/normalize';
import { MAX_QUESTION_CHARS } from '../understand/normalize';
import type { DirectoryUnit } from '../curated';
import { type ItemView, type PlanViews, type UnitView, unitView } from './views';

/** A composed reply: the text a person reads and the buttons offered with it. */
export interface Reply {
  text: string;
  /** Questions a person is likely to ask next, as buttons. */
  suggestions: string[];
  /** The plan's own sentences the text quotes, for a card to show beside the item's facts. */
  quotes?: string[];
}

/** A text with a note in brackets: an English name with the plan's Chinese one, a document number with its notice. */
function bracketed(lang: Lang, text: string, note: string): string {
  return say(lang, 'answer.bracketed', { text, note });
}

/** A name of the plan: an English reader also gets the Chinese, which is what the plan and the officials use. */
function named(lang: Lang, chinese: string, english: string): string {
  return lang === 'zh' ? chinese : bracketed(lang, english, chinese);
}

/**
 * A unit of the plan as the answers name it (省国土资源厅（现省自然资源厅）), for messages outside
 * the answers: the hand-offs' confirmation and replies.
 */
export function unitNamer(directory: readonly DirectoryUnit[]): (unit: string, lang: Lang) => string {
  const views = new Map(directory.map((u) => [u.name, unitView(u)]));
  return (unit, lang) => {
    const view = views.get(unit);
    return view ? unitName(view, lang) : unit;
  };
}

export function unitName(u: UnitView, lang: Lang): string {
  const now = lang === 'zh' ? u.now : u.nowEnglish;
  const inPlan = now.length ? say(lang, 'answer.unitNow', { name: u.name, now: now.join(say(lang, 'list.successors')) }) : u.name;
  return named(lang, inPlan, u.english);
}

function unitList(units: UnitView[], lang: Lang): string {
  return units.map((u) => unitName(u, lang)).join(say(lang, 'list.units')) || say(lang, 'list.empty');
}

function titleOf(v: ItemView, lang: Lang): string {
  return lang === 'zh' ? v.title : v.titleEn;
}

/** An item by `ref` (its id unless told otherwise) and its title. */
function itemName(v: ItemView, lang: Lang, ref = v.id): string {
  const name = say(lang, 'answer.itemName', { ref, title: titleOf(v, lang) });
  return lang === 'zh' ? name : bracketed(lang, name, v.title);
}

/** The item a quote is from: for a Chinese reader by the plan's citation, which says where the words stand. */
function quotedItem(v: ItemView, lang: Lang): string {
  return itemName(v, lang, lang === 'zh' ? v.citation : v.id);
}

/** An item in a numbered list. */
function listedItem(v: ItemView, index: number, lang: Lang): string {
  return say(lang, 'answer.listedItem', { n: index + 1, id: v.id, title: named(lang, v.title, v.titleEn) });
}

/** A sentence of the plan: whole for a Chinese reader, an excerpt in an English answer. */
function planSentence(sentence: string, lang: Lang, max?: number): string {
  return lang === 'zh' ? sentence : excerpt(sentence, max);
}

/** The plan's text is Chinese: an English reader also gets the item's summary. */
function englishSummary(v: ItemView, lang: Lang): string[] {
  return lang === 'en' ? [say(lang, 'answer.inEnglish', { summary: v.summaryEn })] : [];
}

function source(v: ItemView, lang: Lang): string {
  return say(lang, 'answer.source', { citation: named(lang, v.citation, v.citationEn) });
}

function responsibility(v: ItemView, lang: Lang): string {
  if (!v.lead) return say(lang, 'answer.noUnits');
  return say(lang, 'answer.responsibility', { lead: unitName(v.lead, lang), co: unitList(v.coUnits, lang) });
}

/** The next questions about one item, phrased so that they work typed or clicked on any channel. */
/** The questions people ask next about an item (its co-units, deadlines, text), less the one just answered. */
export function itemFollowUps(v: ItemView, lang: Lang, answered?: FollowUp): string[] {
  const questions = sayLines(lang, 'answer.followUps', { id: v.id });
  return answered === undefined ? questions : questions.filter((_q, i) => FOLLOW_UPS[i] !== answered);
}

/** What each line of answer.followUps asks, in order. */
const FOLLOW_UPS = ['co_units', 'deadline', 'original'] as const;
type FollowUp = (typeof FOLLOW_UPS)[number];

/** The sentences of an item that best answer, best first; `weight` says how much each matched term counts. */
export function answeringSentences(v: ItemView, terms: Map<string, number>, weight: (t: string) => number, max = 2): string[] {
  const all = sentences(v.text);
  const scored = all.map((s, index) => {
    let score = 0;
    terms.forEach((w, term) => {
      if (/[\u3400-\u9fff]/.test(term) && s.includes(term)) score += w * weight(term);
    });
    return { s, index, score };
  });
  const best = scored
    .filter((x) => x.score > 0 && x.index > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, max);
  if (!best.length) return all.slice(1, 2).length ? all.slice(1, 2) : all.slice(0, 1);
  return best.map((x) => x.s);
}

export class Composer {
  constructor(private readonly views: PlanViews) {}

  /** Who leads; `asked` are the units the question named (是财政厅吗？), which the reply confirms or corrects. */
  lead(v: ItemView, lang: Lang, asked: string[] = []): Reply {
    if (!v.lead) return { ...this.quote(v, lang, []), suggestions: itemFollowUps(v, lang) };
    const text = say(lang, 'answer.lead', {
      verdict: this.verdict(v, lang, asked),
      item: itemName(v, lang),
      lead: unitName(v.lead, lang),
      co: unitList(v.coUnits, lang),
      source: source(v, lang),
    });
    return { text, suggestions: itemFollowUps(v, lang) };
  }

  private verdict(v: ItemView, lang: Lang, asked: string[]): string {
    if (!asked.length || !v.lead) return '';
    if (asked.includes(v.lead.name)) return say(lang, 'answer.verdict.yes');
    const co = v.coUnits.filter((u) => asked.includes(u.name)).map((u) => u.name);
    if (co.length) return say(lang, 'answer.verdict.coUnit', { units: co.join(say(lang, 'list.enumeration')) });
    return say(lang, 'answer.verdict.no');
  }

  coUnits(v: ItemView, lang: Lang): Reply {
    if (!v.lead) return { ...this.quote(v, lang, []), suggestions: itemFollowUps(v, lang) };
    const text = say(lang, 'answer.coUnits', {
      item: itemName(v, lang),
      count: v.coUnits.length,
      co: unitList(v.coUnits, lang),
      lead: unitName(v.lead, lang),
      source: source(v, lang),
    });
    return { text, suggestions: itemFollowUps(v, lang, 'co_units') };
  }

  /** The sentences that answer (best first), quoted in the plan's order, with who is responsible and where it stands. */
  content(v: ItemView, lang: Lang, quoted: string[]): Reply {
    return { ...this.quote(v, lang, quoted), suggestions: itemFollowUps(v, lang) };
  }

  private quote(v: ItemView, lang: Lang, quoted: string[]): { text: string; quotes: string[] } {
    // Best first: the sentence that answers leads, even when the item says something else before it.
    const best = quoted.length ? quoted : sentences(v.text).slice(1, 2);
    const quote = (sentence: string) => say(lang, 'answer.quoted', { sentence });
    // A Chinese reader gets the sentences; an English one the overlay's summary, the best sentence and the source.
    const english = lang === 'en';
    const quotes = english ? best.slice(0, 1) : best;
    const heading = say(lang, 'answer.summarized', { item: quotedItem(v, lang), summary: english ? v.summaryEn : '' });
    const body = english
      ? [quote(quotes[0] ?? ''), responsibility(v, lang), source(v, lang)]
      : [quotes.map(quote).join('\n'), responsibility(v, lang)];
    return { text: [heading, ...body].join('\n'), quotes };
  }

  original(v: ItemView, lang: Lang): Reply {
    const after = lang === 'zh' ? [responsibility(v, lang)] : [...englishSummary(v, lang), source(v, lang)];
    const text = [say(lang, 'answer.original', { item: quotedItem(v, lang) }), v.text, ...after].join('\n');
    return { text, suggestions: itemFollowUps(v, lang, 'original'), quotes: [v.text] };
  }

  deadline(v: ItemView, lang: Lang): Reply {
    const lines = [
      ...v.deadlines.map((d) => say(lang, 'answer.deadline.year', { year: d.year, due: d.due, sentence: planSentence(d.sentence, lang) })),
      ...v.recurring.map((r) =>
        say(lang, 'answer.deadline.recurring', { keyword: recurringLabel(r.keyword, lang), sentence: planSentence(r.sentence, lang) }),
      ),
    ];
    const text = lines.length ? this.timeRequirements(v, lang, lines) : this.noDeadline(v, lang);
    const quotes = [...v.deadlines, ...v.recurring].map((d) => d.sentence);
    return { text, suggestions: itemFollowUps(v, lang, 'deadline'), quotes };
  }

  private timeRequirements(v: ItemView, lang: Lang, lines: string[]): string {
    const heading = say(lang, 'answer.deadline.heading', { item: itemName(v, lang) });
    return [heading, ...lines, ...englishSummary(v, lang), source(v, lang)].join('\n');
  }

  private noDeadline(v: ItemView, lang: Lang): string {
    return say(lang, 'answer.deadline.none', { item: itemName(v, lang), year: this.signedYear(), source: source(v, lang) });
  }

  /** The year the plan was signed: its five years start then. */
  private signedYear(): string {
    return this.views.plan.document.signedDate?.slice(0, 4) ?? '';
  }

  /** Every deadline and recurring duty of the plan, by item. */
  allDeadlines(lang: Lang): Reply & { itemIds: string[] } {
    const items = [...this.views.items.values()].filter((v) => v.deadlines.length || v.recurring.length);
    const lines = items.flatMap((v) => [
      ...v.deadlines.map((d) => deadlineLine(v, d, lang)),
      ...v.recurring.map((r) =>
        say(lang, 'answer.allDeadlines.recurring', {
          id: v.id,
          title: titleOf(v, lang),
          keyword: recurringLabel(r.keyword, lang),
          sentence: planSentence(r.sentence, lang, 40),
        }),
      ),
    ]);
    const text = [say(lang, 'answer.allDeadlines', { lines: lines.join('\n') }), ...this.wholePlan(lang)].join('\n');
    return { text, suggestions: items.slice(0, 2).map((v) => itemFollowUps(v, lang)[1]), itemIds: items.map((v) => v.id) };
  }

  /** What holds for the whole plan: its yearly duties, quoted, for a Chinese reader; its five years for an English one. */
  private wholePlan(lang: Lang): string[] {
    if (lang === 'en') return [say(lang, 'answer.allDeadlines.period', { year: this.signedYear() })];
    const yearly = this.views.plan.recurring.filter((r) => r.itemId === null).map((r) => r.sentence);
    return yearly.length ? [say(lang, 'answer.allDeadlines.overall', { requirements: yearly.join('') })] : [];
  }

  /** What the plan says is to be reached by the end of one year, item by item. */
  deadlinesOfYear(year: number, lang: Lang): Reply & { itemIds: string[] } {
    const items = [...this.views.items.values()].filter((v) => v.deadlines.some((d) => d.year === year));
    const lines = items.flatMap((v) => v.deadlines.filter((d) => d.year === year).map((d) => deadlineLine(v, d, lang)));
    const text = say(lang, 'answer.deadlinesOfYear', { year, lines: lines.join('\n') });
    return { text, suggestions: items.slice(0, 2).map((v) => itemFollowUps(v, lang)[2]), itemIds: items.map((v) => v.id) };
  }

  /** What one or more units (a successor may stand for several) lead and take part in. */
  units(names: string[], mentioned: string, lang: Lang, onlyLed: boolean): Reply & { led: string[]; shared: string[] } {
    const views = [...this.views.items.values()];
    const led = views.filter((v) => v.lead && names.includes(v.lead.name));
    const shared = views.filter((v) => !led.includes(v) && v.coUnits.some((u) => names.includes(u.name)));
    const units = names.map((n) => this.views.unit(n));
    const who = this.unitsHeading(units, mentioned, lang);
    const list = (items: ItemView[]) => items.map((v, i) => listedItem(v, i, lang)).join('\n');
    const ids = (items: ItemView[]) => items.map((v) => v.id).join(say(lang, 'list.enumeration'));
    const parts = [
      say(lang, led.length ? (shared.length ? 'answer.units' : 'answer.units.onlyLeads') : 'answer.units.onlyShares', {
        who,
        led: led.length,
        shared: shared.length,
      }),
    ];
    if (led.length) parts.push(say(lang, 'answer.units.leads'), list(led));
    if (shared.length && !(onlyLed && led.length)) parts.push(say(lang, 'answer.units.coResponsible'), list(shared));
    else if (shared.length) parts.push(say(lang, 'answer.units.alsoShared', { ids: ids(shared) }));
    const shown = onlyLed && led.length ? led : [...led, ...shared];
    return {
      text: parts.join('\n'),
      suggestions: sayLines(lang, 'answer.units.next').slice(0, Math.min(2, shown.length)),
      led: led.map((v) => v.id),
      shared: shared.map((v) => v.id),
    };
  }

  private unitsHeading(units: UnitView[], mentioned: string, lang: Lang): string {
    if (units.length === 1) return unitName(units[0], lang);
    // A successor that took over only part of a unit (济南海关 of 山东出入境检验检疫局) says which part.
    const part = (u: UnitView) => u.parts?.find((p) => p.names.includes(foldForMatch(mentioned)));
    const names = units
      .map((u) => {
        const p = part(u);
        const name = named(lang, u.name, u.english);
        return p ? say(lang, 'answer.units.part', { unit: name, part: lang === 'en' ? p.en : p.zh }) : name;
      })
      .join(say(lang, 'list.and'));
    return say(lang, 'answer.units.several', { mentioned, units: names });
  }

  /** The items of one action. */
  action(actionNo: number, lang: Lang): Reply {
    const action = this.views.plan.actions.find((a) => a.no === actionNo)!;
    const items = [...this.views.items.values()].filter((v) => v.id.startsWith(`${actionNo}.`));
    const en = this.views.overlay.actions[String(actionNo)];
    const lead = (v: ItemView) => (v.lead ? unitName(v.lead, lang) : say(lang, 'answer.notGiven'));
    const lines = items.map((v) => say(lang, 'answer.action.item', { id: v.id, title: titleOf(v, lang), lead: lead(v) }));
    // An English reader also gets what the action is about.
    const title =
      lang === 'zh' ? action.title : say(lang, 'answer.summarized', { item: named(lang, action.title, en.title), summary: en.summary });
    return {
      text: say(lang, 'answer.action', { no: actionNo, title, count: items.length, lines: lines.join('\n') }),
      suggestions: items.slice(0, 2).map((v) => say(lang, 'answer.action.next', { id: v.id })),
    };
  }

  /** `asked`: the question's own words; a sentence of the plan's 总体要求 that speaks of them (its principles) is quoted, for a Chinese reader. */
  document(lang: Lang, asked: string[] = []): Reply {
    const overall = sentences(this.views.plan.overall?.text ?? '');
    const title = this.views.plan.document.title;
    const words = asked.filter((w) => /^[\u3400-\u9fff]{2,}$/.test(w) && !title.includes(w));
    const quoted = lang === 'zh' && words.length ? overall.filter((x) => words.every((w) => x.includes(w))).slice(0, 1) : [];
    const lines = [
      ...this.documentHeading(lang),
      ...quoted.map((sentence) => say(lang, 'answer.quoted', { sentence })),
      ...(lang === 'zh' ? this.chineseFacts() : this.englishFacts()),
    ];
    return { text: lines.filter(Boolean).join('\n'), suggestions: sayLines(lang, 'answer.document.next') };
  }

  /** Title, number, issuer and dates: what both languages give. */
  private documentHeading(lang: Lang): string[] {
    const d = this.views.plan.document;
    const o = this.views.overlay.document;
    const notGiven = say(lang, 'answer.notGiven');
    // The notice's title is Chinese only; the publication note an English reader gets in English.
    const number = lang === 'zh' && d.noticeTitle ? bracketed(lang, d.docNumber ?? notGiven, d.noticeTitle) : (d.docNumber ?? notGiven);
    const publication = d.publication
      ? say(lang, 'answer.document.publication', { publication: lang === 'zh' ? d.publication : say(lang, 'answer.document.openly') })
      : '';
    return [
      say(lang, 'answer.document.title', { title: named(lang, d.title, o.title) }),
      say(lang, 'answer.document.number', { number }),
      say(lang, 'answer.document.issuer', { issuer: named(lang, d.issuer ?? notGiven, o.issuer) }),
      d.printedDate === d.signedDate
        ? say(lang, 'answer.document.sameDates', { date: date(lang, d.signedDate), publication })
        : say(lang, 'answer.document.dates', { signed: date(lang, d.signedDate), printed: date(lang, d.printedDate), publication }),
    ];
  }

  /** What the plan says of itself in Chinese, which has no English version: addressees, basis, goals, copies. */
  private chineseFacts(): string[] {
    const { document: d, overall } = this.views.plan;
    const goals = (overall?.goals ?? []).filter((g) => g.figures.some((f) => /年|家|个|项|%/.test(f.unit))).map((g) => goalClause(g.text));
    return [
      d.addressees.length ? say('zh', 'answer.document.addressees', { addressees: d.addressees.join(say('zh', 'list.comma')) }) : '',
      d.basis ? say('zh', 'answer.document.basis', { basis: d.basis }) : '',
      goals.length ? say('zh', 'answer.document.goals', { goals: goals.join(say('zh', 'list.semicolon')) }) : '',
      this.actionsLine('zh'),
      d.copyTo.length ? say('zh', 'answer.document.copyTo', { copyTo: d.copyTo.join(say('zh', 'list.enumeration')) }) : '',
    ];
  }

  /** The English overlay's summaries of the goals and of the document. */
  private englishFacts(): string[] {
    const o = this.views.overlay;
    return [say('en', 'answer.document.goals', { goals: o.overall.summary }), this.actionsLine('en'), o.document.summary];
  }

  private actionsLine(lang: Lang): string {
    const { actions } = this.views.plan;
    const title = (a: Action) => (lang === 'zh' ? a.title : this.views.overlay.actions[String(a.no)].title);
    const list = actions.map((a) => say(lang, 'answer.document.action', { no: a.no, title: title(a) })).join(say(lang, 'list.actions'));
    return say(lang, 'answer.document.actions', { count: actions.length, actions: list });
  }

  help(lang: Lang): Reply {
    const d = this.views.plan.document;
    const title = lang === 'zh' ? d.title : this.views.overlay.document.title;
    return { text: say(lang, 'answer.help', { title, number: d.docNumber ?? '' }), suggestions: sayLines(lang, 'answer.help.next') };
  }

  greeting(lang: Lang): Reply {
    const help = this.help(lang);
    return { text: say(lang, 'answer.greeting', { help: help.text }), suggestions: help.suggestions };
  }

  thanks(lang: Lang): Reply {
    return { text: say(lang, 'answer.thanks'), suggestions: [] };
  }

  outOfScope(lang: Lang, place?: string): Reply {
    const why = place ? say(lang, 'answer.outOfScope.place', { place }) : say(lang, 'answer.outOfScope');
    const help = this.help(lang);
    return { text: `${why}\n${help.text}`, suggestions: help.suggestions };
  }

  /** The note that an answer about "our department" is about the units the conversation is bound to. */
  assumedUnit(lang: Lang, names: string[]): string {
    return say(lang, 'answer.assumedUnit', {
      units: unitList(
        names.map((n) => this.views.unit(n)),
        lang,
      ),
    });
  }

  /** A fact about the world now (`what`: prices, rankings …): the plan, a document of 2016, does not give it. */
  worldFact(lang: Lang, what: string): Reply {
    const help = this.help(lang);
    return { text: `${say(lang, 'answer.worldFact', { what })}\n${help.text}`, suggestions: help.suggestions };
  }

  /**
   * A reply whose item covers the topic but not the specific ask (`what`: the asks' labels): it says
   * first what the plan does not say, then what it says nearby (`nearby`, as today), then whom to ask,
   * the item's lead by today's name.
   */
  partial(v: ItemView, lang: Lang, what: string[], nearby: Reply): Reply & { statement: string } {
    const asks = what.join(say(lang, 'list.and'));
    const statement = say(lang, 'answer.partial', { what: asks });
    const wayOn = v.lead
      ? say(lang, 'answer.partial.wayOn', { what: asks, lead: unitName(v.lead, lang) })
      : say(lang, 'answer.partial.wayOnNoLead', { what: asks });
    const opening = `${statement}${lang === 'en' ? ' ' : ''}${say(lang, 'answer.partial.nearby')}`;
    return { ...nearby, text: [opening, nearby.text, wayOn].join('\n'), statement };
  }

  /** A question for people or contact details: the plan names departments only. */
  noContacts(lang: Lang): Reply {
    const help = this.help(lang);
    return { text: `${say(lang, 'answer.noContacts')}\n${help.text}`, suggestions: help.suggestions };
  }

  /** No item answers with enough confidence: say so rather than send anyone to the wrong department. */
  /** A unit's published reply (an FAQ entry), cited as that unit's, by its name today, never as the plan. */
  faq(answer: string, unit: UnitView, sourceDate: string, lang: Lang): Reply {
    const source = say(lang, 'answer.faqSource', { unit: unitName(unit, lang), date: sourceDate });
    return { text: `${answer}\n${source}`, suggestions: [] };
  }

  unknown(lang: Lang, reason: 'no_match' | 'no_unit' | 'empty'): Reply {
    return { text: say(lang, UNKNOWN[reason]), suggestions: this.help(lang).suggestions };
  }

  clarify(options: ItemView[], lang: Lang, followUp: (v: ItemView) => string): Reply {
    const lines = options.map((v, i) => listedItem(v, i, lang));
    return { text: say(lang, 'answer.clarify', { options: lines.join('\n') }), suggestions: options.map(followUp) };
  }

  truncationNote(lang: Lang): string {
    return say(lang, 'answer.truncated', { max: MAX_QUESTION_CHARS });
  }
}

const UNKNOWN = {
  no_match: 'answer.unknown.noMatch',
  no_unit: 'answer.unknown.noUnit',
  empty: 'answer.unknown.empty',
} as const satisfies Record<string, MessageKey>;

/** 2016-11-16 → 2016年11月16日, 16 November 2016 */
function date(lang: Lang, iso: string | null): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  const month = m && sayLines(lang, 'answer.months')[Number(m[2]) - 1];
  return m && month ? say(lang, 'answer.date', { year: m[1], month, day: Number(m[3]) }) : say(lang, 'answer.notGiven');
}

/** A recurring duty's keyword (每年, 定期 …) in the reader's language; one the catalogue lacks stays as the plan has it. */
export function recurringLabel(keyword: string, lang: Lang): string {
  const key = `recurring.${keyword}`;
  return isMessageKey(key) ? say(lang, key) : keyword;
}

/** A deadline in a list: a Chinese reader gets the plan's sentence, an English one the date, which keeps the list short. */
function deadlineLine(v: ItemView, d: Deadline, lang: Lang): string {
  if (lang === 'zh') return say(lang, 'answer.allDeadlines.quoted', { id: v.id, title: v.title, year: d.year, sentence: d.sentence });
  return say(lang, 'answer.allDeadlines.due', { id: v.id, title: v.titleEn, year: d.year, due: d.due });
}

/** A Chinese quote inside an English answer stays short, so that the answer reads as English. */
/** A long sentence up to its last clause (，；：) within `max` characters, never cut mid-phrase. */
function excerpt(sentence: string, max = 60): string {
  if (sentence.length <= max) return sentence;
  const end = Math.max(...['，', '；', '：'].map((mark) => sentence.lastIndexOf(mark, max)));
  return end > 0 ? `${sentence.slice(0, end)}…` : sentence;
}

/** The clause of a goal sentence that holds its figure, and the clause after it: 通过5年的努力，全省经济开发区综合实力显著提升. */
function goalClause(sentence: string): string {
  const clauses = sentence.replace(/[。；]$/, '').split('，');
  const at = clauses.findIndex((c) => /\d/.test(c));
  return at < 0 ? sentence : clauses.slice(at, at + 2).join('，');
}
