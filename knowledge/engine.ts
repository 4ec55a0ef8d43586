import path from 'node:path';
import { Composer, answeringSentences, type Reply, unitName } from './answer/compose';
import { type ItemView, PlanViews } from './answer/views';
import {
  CuratedDataError,
  DATA_DIR,
  type DirectoryUnit,
  type EnglishOverlay,
  loadDirectory,
  loadAsks,
  loadIntentExamples,
  loadOverlay,
  loadScope,
  loadSpeech,
} from './curated';
import type { FaqEntry } from './faq';
import type { Plan } from './plan/types';
import { AskReader, type SpecificAsk } from './understand/asks';
import { FaqMatcher } from './understand/faqMatch';
import { type Intent, IntentClassifier, type IntentScore, type Mask } from './understand/intents';
import { ITEM_TOKEN, Lexicon, UNIT_TOKEN } from './understand/lexicon';
import { type Lang, normalizeQuestion, foldForMatch } from './understand/normalize';
import { ReferenceFinder, type References } from './understand/references';
import { DOCUMENT_ID, type Hit, type Query, Retriever } from './understand/retrieval';
import { type Speech, SpeechReader } from './understand/speech';
import { type UnitMention, UnitRecognizer } from './understand/units';

/** What a conversation remembers between two questions, so that "配合单位有哪些？" knows what "it" is. */
export interface AnswerContext {
  /** The item the last answer was about. */
  itemId?: string;
  /** The items the last answer listed, in order ("第二个详细说说"). */
  itemIds?: string[];
  /** The language of the conversation so far, for a message with no words ("?", "4.3"). */
  lang?: Lang;
}

/**
 * Who is asking, as the conversation knows it: the plan's units and the zones a conversation is
 * bound to (the scheduler's contacts), so that 我们厅牵头哪些任务？ and "our zone" have a referent.
 */
export interface Speaker {
  units?: string[];
  zones?: string[];
}

export type AnswerStatus = 'answered' | 'clarify' | 'unknown' | 'out_of_scope' | 'chitchat';

/**
 * How far the plan's text answers what was asked: `full` (who leads, what the plan says of a topic,
 * its deadlines), `partial` (the plan covers the topic but not the specific ask: the documents, the
 * days, the amount …); null for an answer from no item (unknown, out of scope, a clarification).
 */
export type Coverage = 'full' | 'partial';

/** What a partial answer's item does not say, and who can say it: the hand-off to a unit starts here. */
export interface NotCovered {
  /** The specific asks the plan does not answer, as the reply names them (申报材料, processing times). */
  asks: string[];
  /** The sentence that says so, in the question's language: 《行动计划》没有规定…。 */
  statement: string;
  /** The unit to ask (the item's lead, as the plan names it; today's name is in the item's view); null when the item has none. */
  unit: string | null;
}

export interface Answer {
  question: string;
  lang: Lang;
  intent: Intent;
  status: AnswerStatus;
  /** The items the answer is about, most relevant first; empty when it comes from no item. */
  taskIds: string[];
  /** Units as the plan names them; for a who-leads answer the lead first. */
  departments: string[];
  /** The text a person sees. */
  answer: string;
  suggestions: string[];
  truncated: boolean;
  /** Items to show as cards, in the order of taskIds. */
  items: ItemView[];
  /** The plan's sentences the answer quotes (for one item's card); empty when it quotes none. */
  quotes: string[];
  context: AnswerContext;
  /** Asked by a zone's contact about their own zone: the dialog adds the zone's own assessment result. */
  aboutOwnZone?: boolean;
  coverage: Coverage | null;
  /** Set when coverage is partial. */
  notCovered?: NotCovered;
  /** The FAQ entries the answer is from (a unit's published reply, not the plan); empty for the plan's answers. */
  faqIds: string[];
}

/** An answer as the steps before composing make it; coverage, when none is set, follows from the status. */
type Draft = Omit<Answer, 'question' | 'lang' | 'truncated' | 'coverage' | 'faqIds'> & {
  coverage?: Coverage | null;
  faqIds?: string[];
};

/**
 * When the best item is evidence enough, set on the project's own question sets (see the README):
 * its BM25 score, the share of the question's concepts it covers, and its lead over the next item.
 */
const MIN_SCORE = 2.5;
/** A question that names a unit is about a task only when the task's evidence is strong. */
const STRONG_SCORE = 8;
const ANSWER_COVERAGE = 0.5;
const CLARIFY_COVERAGE = 0.3;
const SINGLE_COVERAGE = 0.4;
const CERTAIN_COVERAGE = 0.8;
const CLEAR_MARGIN = 1.3;
/**
 * An item found by its topic words answers a specific ask partly only with this much score: a
 * lower one shares a word or two with the question (出口 of 出口退税), not its topic.
 */
const SPECIFIC_SCORE = 4;
/** A classifier probability at which its intent is taken at its word. */
const SURE_INTENT = 0.95;
const ITEM_INTENTS: ReadonlySet<Intent> = new Set(['lead', 'co_units', 'content', 'original', 'deadline', 'procedure', 'assessment']);
const INFORMATIONAL: ReadonlySet<Intent> = new Set(['content', 'original', 'procedure', 'assessment', 'deadline']);
const SEE_ALSO_INTENTS: ReadonlySet<Intent> = new Set(['content', 'procedure', 'assessment']);
/** Words that end a unit's name: a unit question without a known unit may still name one the plan lacks. */
const UNIT_LIKE = /[厅委局办]|银行|海关|department|bureau|office|commission|administration|bank|customs/;
const FRAMED_INTENTS: ReadonlySet<Intent> = new Set(['lead', 'co_units', 'deadline', 'original']);
const OPEN_INTENTS: ReadonlySet<Intent> = new Set(['document', 'content', 'procedure', 'assessment', 'out_of_scope']);
const CHITCHAT: ReadonlySet<Intent> = new Set(['help', 'greeting', 'thanks']);
/** Where the plan gives no answer, an FAQ entry may: it never replaces an answer, a clarification or chit-chat. */
const FAQ_MAY_ANSWER: ReadonlySet<AnswerStatus> = new Set(['unknown', 'out_of_scope']);

export interface EngineData {
  plan: Plan;
  directory?: DirectoryUnit[];
  overlay?: EnglishOverlay;
  dataDir?: string;
}

/**
 * The answering engine: understands a question (language, units, item references, intent,
 * the items its words point to), decides whether the evidence is enough, and composes the reply
 * from the knowledge base. One instance serves every conversation; it keeps no state of its own.
 */
export class AnswerEngine {
  private readonly views: PlanViews;
  private readonly lexicon: Lexicon;
  private readonly units: UnitRecognizer;
  private readonly references: ReferenceFinder;
  private readonly classifier: IntentClassifier;
  private readonly retriever: Retriever;
  private readonly composer: Composer;
  private readonly elsewhere: string[];
  private readonly home: string[];
  private readonly contacts: string[];
  private readonly speech: SpeechReader;
  private readonly asks: AskReader;
  /** The item that says what the plan asks of every zone. */
  private readonly zoneItem: string;
  private faq: FaqMatcher;

  constructor({ plan, directory = loadDirectory(), overlay = loadOverlay(), dataDir = DATA_DIR }: EngineData) {
    this.views = new PlanViews(plan, directory, overlay);
    const intents = loadIntentExamples(path.join(dataDir, 'intents.json'));
    const englishTexts = [...englishOf(overlay), ...Object.values(intents).flatMap((examples) => examples.en)];
    this.lexicon = new Lexicon(plan, directory, englishTexts, dataDir);
    this.units = new UnitRecognizer(directory);
    this.references = new ReferenceFinder(plan);
    this.classifier = new IntentClassifier(this.lexicon, intents);
    this.retriever = new Retriever(this.lexicon, plan, overlay, this.classifier.cueWords);
    this.composer = new Composer(this.views);
    const scope = loadScope(path.join(dataDir, 'scope.json'));
    this.home = scope.home.map(foldForMatch);
    this.elsewhere = scope.elsewhere.map(foldForMatch);
    this.contacts = scope.contacts.map(foldForMatch);
    const speech = loadSpeech(path.join(dataDir, 'speech.json'));
    if (!this.views.items.has(speech.ownZone.item))
      throw new CuratedDataError('speech.json', [`ownZone.item ${speech.ownZone.item} is not an item of the plan`]);
    this.speech = new SpeechReader(speech);
    this.zoneItem = speech.ownZone.item;
    this.asks = new AskReader(loadAsks(path.join(dataDir, 'asks.json')));
    this.faq = new FaqMatcher(this.lexicon, (t) => this.retriever.rarity(t), []);
  }

  /**
   * The published FAQ entries, replacing those given before: called at start and after every
   * change (a server in another process polls the store's revision, see knowledge/index.ts).
   */
  setFaq(entries: readonly FaqEntry[]): void {
    this.faq = new FaqMatcher(this.lexicon, (t) => this.retriever.rarity(t), entries);
  }

  answer(raw: string, given: AnswerContext = {}, speaker: Speaker = {}): Answer {
    const context = this.known(given);
    const q = normalizeQuestion(raw, context.lang);
    const base = { question: q.text, lang: q.lang, truncated: q.truncated };
    const planned: Draft = q.match
      ? this.understand(q.match, q.lang, context, this.knownSpeaker(speaker))
      : this.reply('help', 'unknown', this.composer.unknown(q.lang, 'empty'));
    const result: Draft = {
      ...planned,
      ...(FAQ_MAY_ANSWER.has(planned.status) ? this.faqAnswer(planned.intent, q.match, q.lang) : {}),
    };
    const answer = q.truncated ? `${this.composer.truncationNote(q.lang)}\n${result.answer}` : result.answer;
    // An answer about no item (a greeting, an unknown) leaves what "it" was as it was.
    const about = result.context.itemId || result.context.itemIds ? result.context : { itemId: context.itemId, itemIds: context.itemIds };
    const coverage = result.coverage !== undefined ? result.coverage : result.status === 'answered' ? 'full' : null;
    return { ...base, ...result, faqIds: result.faqIds ?? [], coverage, answer, context: { ...about, lang: q.lang } };
  }

  /** A published entry's answer, cited as its unit's reply (with the unit's name today), when one matches. */
  private faqAnswer(intent: Intent, match: string, lang: Lang): Draft | undefined {
    const hit = match ? this.faq.best(match, lang) : null;
    if (!hit) return undefined;
    const { entry } = hit;
    const reply = this.composer.faq(entry.answer, this.views.unit(entry.unit), entry.sourceDate, lang);
    // Coverage judges the plan's text; a unit's reply is not the plan.
    return { ...this.reply(intent, 'answered', reply), departments: [entry.unit], faqIds: [entry.id], coverage: null };
  }

  /** How to use the assistant: the text a question like "how do I use this?" is answered with. */
  /** The plan's lead unit of an item, if the item exists and names one. */
  leadOf(itemId: string): string | undefined {
    return this.views.items.get(itemId)?.lead?.name;
  }

  /** A unit as the answers name it, with today's name: 省国土资源厅（现省自然资源厅）. */
  unitLabel(unit: string, lang: Lang): string {
    return unitName(this.views.unit(unit), lang);
  }

  help(lang: Lang): { text: string; suggestions: string[] } {
    return this.composer.help(lang);
  }

  /** What the knowledge base holds, for health checks. */
  summary(): { items: number; tasks: number; units: number; deadlines: number } {
    const { items, deadlines } = this.views.plan;
    return {
      items: items.length,
      tasks: items.filter((i) => i.section === 'tasks').length,
      units: this.views.units.size,
      deadlines: deadlines.length,
    };
  }

  /** A context saved before the knowledge base was rebuilt may name items that no longer exist: those are dropped. */
  private known(context: AnswerContext): AnswerContext {
    const exists = (id: string) => this.views.items.has(id);
    return {
      itemId: context.itemId && exists(context.itemId) ? context.itemId : undefined,
      itemIds: context.itemIds?.filter(exists),
      lang: context.lang === 'en' || context.lang === 'zh' ? context.lang : undefined,
    };
  }

  /** The speaker's units that the plan names; zones as given. */
  private knownSpeaker(speaker: Speaker): Required<Speaker> {
    return { units: (speaker.units ?? []).filter((u) => this.views.units.has(u)), zones: speaker.zones ?? [] };
  }

  private understand(text: string, lang: Lang, context: AnswerContext, speaker: Required<Speaker>): Draft {
    const speech = this.speech.read(text, lang);
    const found = this.mentionsOf(text, speech);
    const assumed = found.length ? null : this.assumedUnit(speech, speaker);
    const mentions = assumed ? [assumed] : found;
    const result = this.interpret(text, lang, context, speech, mentions);
    if (speech.ownZone && speaker.zones.length) return this.ownZone(result, lang, speech);
    if (!assumed || !result.departments.some((d) => assumed.units.includes(d))) return result;
    return { ...result, answer: `${this.composer.assumedUnit(lang, assumed.units)}\n${result.answer}` };
  }

  /**
   * A zone's contact asking about their own zone: what an item says when one answers the
   * question; otherwise what the plan asks of every zone. The dialog adds the zone's own result.
   */
  private ownZone(result: ReturnType<AnswerEngine['interpret']>, lang: Lang, speech: Speech): ReturnType<AnswerEngine['interpret']> {
    if (result.status === 'answered' && result.taskIds.length) return { ...result, aboutOwnZone: true };
    const v = this.views.item(this.zoneItem);
    const reply = this.composer.content(
      v,
      lang,
      answeringSentences(v, this.retriever.query(speech.ask).terms, (t) => this.retriever.weight(t)),
    );
    return { ...this.answeredAbout('assessment', v, reply, []), aboutOwnZone: true };
  }

  /**
   * In a conversation bound to units, the unit a question names as the speaker's own: 我们厅, our
   * department; or plain 我们 / we, when the question read with it as a unit asks about a unit.
   */
  private assumedUnit(speech: Speech, speaker: Required<Speaker>): UnitMention | null {
    if (!speaker.units.length) return null;
    const at = speech.selfReference ?? speech.firstPersonAt;
    if (!at) return null;
    const mention: UnitMention = { start: at.start, end: at.end, text: at.text, units: speaker.units, via: 'exact' };
    if (speech.selfReference) return mention;
    const [top] = this.classifier.classify(speech.ask, [{ start: at.start, end: at.end, token: UNIT_TOKEN }]);
    return top.intent === 'unit_leads' || top.intent === 'unit_involved' ? mention : null;
  }

  private interpret(text: string, lang: Lang, context: AnswerContext, speech: Speech, mentions: UnitMention[]): Draft {
    const refs = this.references.find(text);
    const masks: Mask[] = [
      ...mentions.map((m) => ({ start: m.start, end: m.end, token: UNIT_TOKEN })),
      ...refs.spans.map((s) => ({ ...s, token: ITEM_TOKEN })),
    ];
    const intents = this.classifier.classify(speech.ask, masks);
    // What is asked beyond the topic (哪些材料, 几个工作日) is no topic: items are found by the rest.
    const specific = this.asks.read(speech.ask, lang);
    const askSpans = specific.flatMap((a) => a.spans.map((span) => ({ ...span, token: '' })));
    // Where in Shandong (在济南设立公司) is said aside: the plan is every zone's, a city is no topic of it.
    const places = this.placesIn(speech.ask);
    const query = this.retriever.query(
      blank(speech.ask, [...masks, ...askSpans, ...places]),
      mentions.map((m) => m.text),
      [blank(speech.aside, masks), ...places.map((p) => speech.ask.slice(p.start, p.end))].join(' '),
    );
    const section = refs.section;
    const ranked = this.retriever.search(
      query,
      section ? (id) => this.views.plan.items.some((i) => i.id === id && i.section === section) : undefined,
    );
    // The document itself is ranked beside the items: when it wins, the question is about the document.
    const documentHit = ranked.find((h) => h.itemId === DOCUMENT_ID);
    // The document ranks first; or the classifier is sure the question is about the document, and
    // the document speaks of all it asks, nearly as strongly as the best item.
    const sureOfDocument = intents[0].intent === 'document' && intents[0].p >= SURE_INTENT && documentHit?.coverage === 1;
    const nearlyBest = !!documentHit && documentHit.score * CLEAR_MARGIN ** 2 >= ranked[0].score;
    const aboutDocument = isTopical(documentHit) && (ranked[0] === documentHit || (sureOfDocument && nearlyBest));
    // A question with no topic word of its own (有什么时间要求？) points at no item by its cue words
    // alone, unless it names a unit or a part of the plan to look in.
    const anchored = asked(query) > 0 || mentions.length > 0 || section !== null;
    const hits = anchored ? ranked.filter((h) => h.itemId !== DOCUMENT_ID) : [];
    const signal = { text, speech, lang, context, mentions, refs, masks, intents, query, hits, aboutDocument, specific };
    // A specific ask about a topic the plan covers is answered partly, even an ask for contact
    // details; but the phone of an office (招商局, bureau) is no topic of the plan.
    const coveredTopic = specific.length > 0 && isTopical(hits[0]) && !UNIT_LIKE.test(text);

    if (!refs.itemIds.length && !coveredTopic && this.contacts.some((w) => containsWord(text, w))) {
      return this.reply('out_of_scope', 'out_of_scope', this.composer.noContacts(lang));
    }
    // A fact about the world now (a price, a ranking, a visa), however many of the plan's words it uses.
    if (speech.worldFact && !refs.itemIds.length) {
      return this.reply('out_of_scope', 'out_of_scope', this.composer.worldFact(lang, speech.worldFact.label));
    }
    const place = this.elsewhere.find((p) => text.includes(p));
    if (place && !this.home.some((h) => text.includes(h)) && !refs.itemIds.length) {
      return this.reply('out_of_scope', 'out_of_scope', this.composer.outOfScope(lang, place));
    }
    const intent = this.chooseIntent(signal);
    if (intent === 'out_of_scope') return this.reply(intent, 'out_of_scope', this.composer.outOfScope(lang));
    if (CHITCHAT.has(intent)) {
      const reply =
        intent === 'thanks' ? this.composer.thanks(lang) : intent === 'greeting' ? this.composer.greeting(lang) : this.composer.help(lang);
      return this.reply(intent, 'chitchat', reply);
    }
    if (intent === 'document')
      return this.reply(
        intent,
        'answered',
        this.composer.document(
          lang,
          query.concepts.filter((c) => !c.aside).map((c) => c.word),
        ),
      );
    if (intent === 'unit_leads' || intent === 'unit_involved') return this.unitAnswer(intent, signal);
    return this.judgeCoverage(this.itemAnswer(intent, signal), signal);
  }

  /**
   * A specific ask (the documents, the days, the amount) that the answering item's text does not
   * answer makes the answer partial: it says so first, then what the item says, then whom to ask.
   * An item found by its topic words must cover the topic itself, not share a word with it (商标 of
   * 2.2 for 仿冒商标): otherwise the answer is "I don't know", not a partial one.
   */
  private judgeCoverage(result: Draft, s: Signal): Draft {
    if (!s.specific.length) return result;
    const byTopic = !s.refs.itemIds.length && asked(s.query) > 0;
    const grazed = byTopic && !isTopical(s.hits[0], SPECIFIC_SCORE);
    // Items that only graze a specific ask's topic are no choice to offer either.
    if (result.status === 'clarify' && grazed) return this.reply(result.intent, 'unknown', this.composer.unknown(s.lang, 'no_match'));
    const [v] = result.items;
    if (result.status !== 'answered' || result.items.length !== 1) return result;
    // The sentences the reply quotes must answer the ask, not another sentence of the item.
    const missing = this.asks.unanswered(s.specific, result.quotes.length ? result.quotes.join('\n') : v.text);
    if (!missing.length) return result;
    if (
      byTopic &&
      !isTopical(
        s.hits.find((h) => h.itemId === v.id),
        SPECIFIC_SCORE,
      )
    ) {
      return this.reply(result.intent, 'unknown', this.composer.unknown(s.lang, 'no_match'));
    }
    const labels = missing.map((a) => a.label);
    const reply = this.composer.partial(v, s.lang, labels, { text: result.answer, suggestions: result.suggestions });
    return {
      ...result,
      answer: reply.text,
      coverage: 'partial',
      notCovered: { asks: labels, statement: reply.statement, unit: v.lead?.name ?? null },
    };
  }

  /**
   * The units the question names. A unit named only in the speaker's introduction (我是省商务厅的，…)
   * is what the question is about only when the ask speaks of the speaker (我们厅, 我们, our).
   */
  private mentionsOf(text: string, speech: Speech): UnitMention[] {
    const found = this.units.find(text);
    if (speech.firstPerson) return found;
    return found.filter((m) => !speech.intro.some((c) => m.start >= c.start && m.end <= c.end));
  }

  /**
   * The classifier's intent, checked against what was found: a unit question needs a unit; a
   * who-leads question that names a unit but no topic asks what that unit leads; a confident
   * topic or an item reference outweighs a weak out-of-scope or chit-chat guess.
   */
  private chooseIntent(s: Signal): Intent {
    const [top] = s.intents;
    const topical = isTopical(s.hits[0], s.mentions.length ? STRONG_SCORE : MIN_SCORE);
    const pointed = s.refs.itemIds.length > 0 || s.refs.actionNo !== null || s.refs.ordinal !== null || s.refs.section !== null;
    let intent = top.intent;
    // A greeting, a thanks or a call for help says so in its own words; without them the
    // classifier only matched function words (好, 了, 什么) of a question it does not know.
    if (CHITCHAT.has(intent) && !this.classifier.hasCue(s.text, intent)) intent = 'out_of_scope';
    const evident = pointed || s.mentions.length > 0 || topical;
    // The plan's own words, all accounted for by one item, outweigh even a confident out-of-scope guess.
    const certain = !!s.hits[0] && s.hits[0].score >= STRONG_SCORE && s.hits[0].coverage >= CERTAIN_COVERAGE;
    // A specific ask about a topic the plan covers (要多大面积) looks out of scope only by its ask.
    const specificOnTopic = s.specific.length > 0 && isTopical(s.hits[0]);
    if ((intent === 'out_of_scope' || CHITCHAT.has(intent)) && ((evident && top.p < 0.9) || certain || specificOnTopic)) {
      intent = best(s.intents, (i) => i !== 'out_of_scope' && !CHITCHAT.has(i));
    }
    // A question that does not say what it asks (a bare topic, a bare unit) asks what the plan says of it.
    if (FRAMED_INTENTS.has(intent) && !this.classifier.hasCue(s.text, intent)) {
      intent = s.mentions.length && !pointed && !topical ? 'unit_involved' : 'content';
    }
    // The document has no lead, deadline or units: only an open question can be about it; and its
    // front matter answers no specific ask (the weights of the indicators), which an item's topic may.
    if (s.aboutDocument && !pointed && !s.mentions.length && OPEN_INTENTS.has(intent) && !specificOnTopic) return 'document';
    const aboutTask = pointed || topical;
    if (intent === 'unit_leads' || intent === 'unit_involved') {
      if (s.mentions.length && !aboutTask) return this.unitQuestion(s);
      // A unit question that names a task, a part of the plan or a topic, or that names no unit
      // the plan knows but uses the plan's words, asks about a task.
      if (aboutTask || (!s.mentions.length && (s.hits[0]?.score ?? 0) >= MIN_SCORE)) return itemIntent(s.intents);
      return intent;
    }
    // A unit and no topic: the question is about the unit, whichever item intent the words suggested.
    if (ITEM_INTENTS.has(intent) && s.mentions.length && !aboutTask) return this.unitQuestion(s);
    // The whole text is shown for an item that was pointed at or just discussed, not for a topic phrase.
    if (intent === 'original' && !pointed && asked(s.query)) return 'content';
    // A topic phrase that the classifier took for a document question: the items' evidence decides.
    if (intent === 'document' && !s.aboutDocument && isTopical(s.hits[0])) return itemIntent(s.intents);
    return intent;
  }

  /** The places in Shandong the text names outside a unit's name, as masks. */
  private placesIn(text: string): Mask[] {
    const masks: Mask[] = [];
    for (const place of this.home) {
      for (let at = text.indexOf(place); at >= 0; at = text.indexOf(place, at + place.length)) {
        masks.push({ start: at, end: at + place.length, token: '' });
      }
    }
    return masks;
  }

  /** What a unit leads, or everything it takes part in: asked whatever its role (牵头还是配合), everything. */
  private unitQuestion(s: Signal): 'unit_leads' | 'unit_involved' {
    return s.speech.bothRoles ? 'unit_involved' : this.classifier.unitQuestion(s.text);
  }

  private unitAnswer(intent: Intent, s: Signal) {
    // A specific ask about a unit (海关AEO认证要什么条件？, 商务厅哪个处？) is not answered by the unit's tasks.
    if (s.specific.length) {
      const contact = this.contacts.some((w) => containsWord(s.text, w));
      return contact
        ? this.reply('out_of_scope', 'out_of_scope', this.composer.noContacts(s.lang))
        : this.reply(intent, 'unknown', this.composer.unknown(s.lang, 'no_match'));
    }
    if (!s.mentions.length) {
      const namesAUnit = UNIT_LIKE.test(s.text);
      return this.reply(intent, 'unknown', this.composer.unknown(s.lang, namesAUnit ? 'no_unit' : 'no_match'));
    }
    const names = [...new Set(s.mentions.flatMap((m) => m.units))];
    const mentioned = s.mentions.map((m) => m.text).join('、');
    const r = this.composer.units(names, mentioned, s.lang, intent === 'unit_leads');
    const taskIds = intent === 'unit_leads' ? r.led : [...r.led, ...r.shared];
    const listed = intent === 'unit_leads' && r.led.length ? r.led : [...r.led, ...r.shared];
    return {
      intent,
      status: 'answered' as const,
      taskIds,
      departments: names,
      answer: r.text,
      suggestions: r.suggestions,
      items: taskIds.map((id) => this.views.item(id)),
      quotes: [],
      context: { itemIds: listed },
    };
  }

  private itemAnswer(intent: Intent, s: Signal) {
    const target = this.target(s, intent);
    if (target.kind === 'action') {
      const items = [...this.views.items.values()].filter((v) => v.id.startsWith(`${target.no}.`));
      return {
        ...this.reply(intent, 'answered', this.composer.action(target.no, s.lang)),
        taskIds: items.map((v) => v.id),
        departments: [...new Set(items.flatMap((v) => (v.lead ? [v.lead.name] : [])))],
        context: { itemIds: items.map((v) => v.id) },
      };
    }
    if (target.kind === 'clarify') {
      const options = target.options.map((id) => this.views.item(id));
      const reply = this.composer.clarify(options, s.lang, (v) => this.followUpFor(intent, v, s.lang));
      return { ...this.reply(intent, 'clarify', reply), taskIds: target.options, items: options, context: { itemIds: target.options } };
    }
    // A year the plan sets deadlines for, asked without an item that has one then: that year's deadlines.
    const year = intent === 'deadline' && !s.refs.itemIds.length ? this.deadlineYear(s.text) : undefined;
    if (year && !(target.kind === 'item' && this.views.item(target.id).deadlines.some((d) => d.year === year))) {
      const r = this.composer.deadlinesOfYear(year, s.lang);
      return {
        ...this.reply(intent, 'answered', r),
        taskIds: r.itemIds,
        items: r.itemIds.map((id) => this.views.item(id)),
        context: { itemIds: r.itemIds },
      };
    }
    // When is what due, asked of the whole plan: every deadline and recurring duty it sets.
    if (target.kind === 'none' && intent === 'deadline' && !asked(s.query)) {
      const r = this.composer.allDeadlines(s.lang);
      return {
        ...this.reply(intent, 'answered', r),
        taskIds: r.itemIds,
        items: r.itemIds.map((id) => this.views.item(id)),
        context: { itemIds: r.itemIds },
      };
    }
    if (target.kind === 'none') {
      // One weak candidate is offered as a button, not given as the answer.
      const maybe = target.maybe ? this.views.item(target.maybe) : undefined;
      const reply = this.composer.unknown(s.lang, 'no_match');
      return this.reply(intent, 'unknown', maybe ? { ...reply, suggestions: [this.followUpFor(intent, maybe, s.lang)] } : reply);
    }
    const v = this.views.item(target.id);
    const reply = this.itemReply(intent, v, s);
    const related = SEE_ALSO_INTENTS.has(intent) ? this.related(s.hits, v.id) : [];
    return this.answeredAbout(intent, v, reply, related);
  }

  /** An answer about one item (with `related` items as "see also"): its units, the reply, the item as the context. */
  private answeredAbout(intent: Intent, v: ItemView, reply: Reply, related: string[]) {
    const units = v.lead ? [v.lead.name, ...v.coUnits.map((u) => u.name)] : [];
    return {
      intent,
      status: 'answered' as const,
      taskIds: [v.id, ...related],
      departments: units,
      answer: reply.text,
      suggestions: reply.suggestions,
      items: [v],
      quotes: reply.quotes ?? [],
      context: { itemId: v.id },
    };
  }

  private itemReply(intent: Intent, v: ItemView, s: Signal): Reply {
    switch (intent) {
      case 'lead':
        return this.composer.lead(v, s.lang, [...new Set(s.mentions.flatMap((m) => m.units))]);
      case 'co_units':
        return this.composer.coUnits(v, s.lang);
      case 'deadline':
        return this.composer.deadline(v, s.lang);
      case 'original':
        return this.composer.original(v, s.lang);
      default:
        return this.composer.content(
          v,
          s.lang,
          answeringSentences(v, s.query.terms, (t) => this.retriever.weight(t)),
        );
    }
  }

  /**
   * Which item the question is about: an explicit reference; the nth of the list just shown; a
   * topic that stands out; or, for a follow-up with no topic of its own, the item of the last answer.
   * Weak or close evidence yields a clarification, none at all yields nothing.
   */
  private target(s: Signal, intent: Intent): Target {
    if (s.refs.itemIds.length) return { kind: 'item', id: s.refs.itemIds[0] };
    const listed = s.context.itemIds ?? [];
    if (s.refs.ordinal !== null && listed[s.refs.ordinal - 1]) return { kind: 'item', id: listed[s.refs.ordinal - 1] };
    // A follow-up with no topic of its own (配合单位有哪些？ 有什么时间要求？) is about the last item.
    if (s.context.itemId && !asked(s.query) && s.refs.section === null && s.refs.actionNo === null) {
      return { kind: 'item', id: s.context.itemId };
    }
    const [first, second] = s.hits;
    const coverage = first?.coverage ?? 0;
    if (s.refs.actionNo !== null && !isTopical(first)) return { kind: 'action', no: s.refs.actionNo };
    if (!first || first.score < MIN_SCORE || coverage < CLARIFY_COVERAGE) {
      return s.context.itemId ? { kind: 'item', id: s.context.itemId } : { kind: 'none' };
    }
    // Quoting a close second as "see also" costs nothing; naming the wrong department does.
    const stands = !second || first.score >= second.score * CLEAR_MARGIN || INFORMATIONAL.has(intent);
    if (coverage >= ANSWER_COVERAGE && stands) return { kind: 'item', id: first.itemId };
    const close = s.hits.filter((h) => h.score >= first.score / CLEAR_MARGIN ** 2 && h.coverage >= CLARIFY_COVERAGE);
    if (close.length === 1) {
      // One partial match: too weak, it is only offered; fair, or strong on what it does cover (a long
      // question with much besides), a content question gets it (the reply names the item).
      if (coverage < SINGLE_COVERAGE && first.score < STRONG_SCORE) return { kind: 'none', maybe: first.itemId };
      if (INFORMATIONAL.has(intent)) return { kind: 'item', id: first.itemId };
    }
    return { kind: 'clarify', options: close.slice(0, 3).map((h) => h.itemId) };
  }

  /** A year named in the text for which the plan sets item deadlines (到2020年 → 2020). */
  private deadlineYear(text: string): number | undefined {
    const years = new Set(this.views.plan.deadlines.filter((d) => d.itemId !== null).map((d) => d.year));
    return [...text.matchAll(/(?<!\d)(20\d\d)(?!\d)/g)].map((m) => Number(m[1])).find((y) => years.has(y));
  }

  /** Other items that answer a content question almost as well, for "see also". */
  private related(hits: Hit[], top: string): string[] {
    const best = hits[0]?.score ?? 0;
    return hits
      .filter((h) => h.itemId !== top && h.score >= best * 0.8)
      .slice(0, 2)
      .map((h) => h.itemId);
  }

  private followUpFor(intent: Intent, v: ItemView, lang: Lang): string {
    if (lang === 'en') {
      if (intent === 'lead') return `Who leads ${v.id} ${v.titleEn}?`;
      if (intent === 'co_units') return `Who else is responsible for ${v.id}?`;
      if (intent === 'deadline') return `What are the deadlines of ${v.id}?`;
      return `${v.id} ${v.titleEn}`;
    }
    if (intent === 'lead') return `${v.id} ${v.title}谁牵头？`;
    if (intent === 'co_units') return `${v.id}的配合单位有哪些？`;
    if (intent === 'deadline') return `${v.id}有什么时间要求？`;
    return `${v.id} ${v.title}`;
  }

  private reply(intent: Intent, status: AnswerStatus, reply: Reply) {
    return {
      intent,
      status,
      taskIds: [] as string[],
      departments: [] as string[],
      answer: reply.text,
      suggestions: reply.suggestions,
      items: [] as ItemView[],
      quotes: [] as string[],
      context: {} as AnswerContext,
    };
  }
}

/** An answer as the plan gives it, before the question's own fields and any FAQ entry are added. */

interface Signal {
  text: string;
  speech: Speech;
  lang: Lang;
  context: AnswerContext;
  mentions: UnitMention[];
  refs: References;
  masks: Mask[];
  intents: IntentScore[];
  query: Query;
  hits: Hit[];
  aboutDocument: boolean;
  /** What the question asks beyond its topic. */
  specific: SpecificAsk[];
}

type Target =
  { kind: 'item'; id: string } | { kind: 'action'; no: number } | { kind: 'clarify'; options: string[] } | { kind: 'none'; maybe?: string };

/** Every English text of the overlay. */
function englishOf(overlay: EnglishOverlay): string[] {
  const entries = [overlay.overall, ...Object.values(overlay.actions), ...Object.values(overlay.items)];
  return [overlay.document.title, overlay.document.summary, ...entries.flatMap((e) => [e.title, e.summary])];
}

/** How many concepts the ask itself has, not counting what was said aside. */
function asked(query: Query): number {
  return query.concepts.filter((c) => !c.aside).length;
}

function isTopical(hit: Hit | undefined, minScore = MIN_SCORE): boolean {
  return !!hit && hit.score >= minScore && hit.coverage >= ANSWER_COVERAGE;
}

/** The item intent the classifier found likely, or a content question when it found none. */
function itemIntent(intents: IntentScore[]): Intent {
  return intents.find((s) => ITEM_INTENTS.has(s.intent) && s.intent !== 'original' && s.p >= 0.1)?.intent ?? 'content';
}

function best(intents: IntentScore[], allowed: (i: Intent) => boolean): Intent {
  return intents.find((s) => allowed(s.intent))?.intent ?? intents[0].intent;
}

/** Whether the word stands in the text; an English word only as a whole word ("phone", not "smartphone"). */
function containsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!/^[a-z]/.test(word) || (!/[a-z]/.test(text[at - 1] ?? '') && !/[a-z]/.test(text[at + word.length] ?? ''))) return true;
  }
  return false;
}

/** The text with recognized mentions blanked out, so that a unit's name is not read as a topic. */
function blank(text: string, masks: Mask[]): string {
  let out = text;
  for (const m of masks) out = out.slice(0, m.start) + ' '.repeat(m.end - m.start) + out.slice(m.end);
  return out;
}
