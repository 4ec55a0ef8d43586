import fs from 'node:fs';
import { z } from 'zod';
import { detectLang, type Lang, projectPath, type Vote } from '../knowledge';
import { type SchedulerCommand, canonicalRef } from '../scheduler';

/**
 * Every command a person can type, recognised in one place: the words come from
 * dialogs/commands.json, one table per language; what follows the words (a code, an item, a year)
 * is read here. Only whole messages count, so "取消了哪些审批？" and "绑定是什么意思" stay questions.
 */

export type Command =
  | { kind: 'help' | 'cancel' | 'ping'; lang?: Lang }
  /** `echo <text>`: the text back, kept in the conversation's state (the HTTP benchmark's floor). */
  | { kind: 'echo'; text: string; lang?: Lang }
  /** 有用 / 没用: a vote on the conversation's last answer (a card's buttons name their answer instead). */
  | { kind: 'feedback'; vote: Vote; lang: Lang }
  /** 转交相关部门: pass the last question to the department (the hand-off dialog). */
  | { kind: 'handoff'; lang: Lang }
  /** One of the reminders' commands (绑定, 进展, 2026年考核结果 …), run by the scheduler. */
  | { kind: 'scheduler'; command: SchedulerCommand; lang: Lang };

const words = z.array(z.string().min(1)).min(1);
const languageTable = z
  .object({
    help: words,
    cancel: words,
    bind: words,
    unbind: words,
    subscriptions: words,
    progressList: words,
    progress: words,
    done: words,
    assessment: z.array(z.string().regex(/\{year\}/, 'an assessment phrase names {year}')).min(1),
    invite: words,
    inviteKinds: z.object({ unit: words, zone: words, admin: words }).strict(),
    milestone: words,
    milestoneActions: z.object({ list: words, add: words, remove: words }).strict(),
    audiences: z.object({ lead: words, all: words }).strict(),
    helpful: words,
    unhelpful: words,
    handoff: words,
    handoffReply: words,
    handoffReassign: words,
    handoffList: words,
    /** What confirms a hand-off's unit. */
    confirm: words,
    /** The admins' report of the last 30 days. */
    report: words,
    /** Publishes an answered hand-off as an FAQ entry. */
    faqPublish: words,
  })
  .strict();
const commandWordsSchema = z
  .object({ zh: languageTable, en: languageTable, anyLanguage: z.object({ help: words, ping: words, echo: words }).strict() })
  .strict();

export type CommandWords = z.infer<typeof commandWordsSchema>;

export const COMMAND_WORDS_FILE = projectPath('dialogs', 'commands.json');

/** Reads and checks the command words; a bad file stops start-up with what is wrong. */
export function loadCommandWords(file = COMMAND_WORDS_FILE): CommandWords {
  const parsed = commandWordsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const ITEM = '((?:\\d+|[Oo])\\.\\d+)';
const CJK = /\p{Script=Han}/u;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternatives = (list: readonly string[]) => list.map(escape).join('|');

/** A phrase with `{year}` as a pattern: a space next to a Chinese character may be left out, elsewhere it is needed. */
function yearPattern(phrase: string): RegExp {
  const parts = phrase.split(/(\{year\}| )/).filter(Boolean);
  const source = parts
    .map((part, i) => {
      if (part === '{year}') return '(\\d{4})';
      if (part !== ' ') return escape(part);
      return CJK.test(parts[i - 1]?.slice(-1) ?? '') || CJK.test(parts[i + 1]?.[0] ?? '') ? ' ?' : ' ';
    })
    .join('');
  return new RegExp(`^${source}$`, 'i');
}

interface LanguageGrammar {
  lang: Lang;
  table: CommandWords['zh'];
  whole: Map<string, Command>;
  bind: RegExp;
  progress: RegExp;
  done: RegExp;
  assessment: RegExp[];
  invite: RegExp;
  milestone: RegExp;
  handoffReply: RegExp;
  handoffReassign: RegExp;
  faqPublish: RegExp;
}

/** The period the chat's report covers. */
const REPORT_DAYS = 30;

/** A hand-off's reference as people type it: Q-2026-0042, q-2026-42. */
const HANDOFF_REF = '(Q-\\d{4}-\\d{1,6})';

function grammarOf(lang: Lang, table: CommandWords['zh']): LanguageGrammar {
  const whole = new Map<string, Command>();
  const add = (list: readonly string[], command: SchedulerCommand) =>
    list.forEach((w) => whole.set(w.toLowerCase(), { kind: 'scheduler', command, lang }));
  add(table.unbind, { name: 'unbind' });
  add(table.subscriptions, { name: 'subscriptions' });
  add(table.progressList, { name: 'progress-list' });
  add(table.handoffList, { name: 'handoff-list' });
  add(table.report, { name: 'report', days: REPORT_DAYS });
  // The word alone asks how the command goes.
  add(table.handoffReply, { name: 'handoff-reply', ref: '', text: '' });
  return {
    lang,
    table,
    whole,
    // A code is letters, digits and a dash.
    bind: new RegExp(`^(?:${alternatives(table.bind)})(?: ?([0-9a-z-]{4,}))?$`, 'i'),
    progress: new RegExp(`^(?:${alternatives(table.progress)}) ?${ITEM} (.+)$`, 'is'),
    done: new RegExp(`^(?:${alternatives(table.done)}) ?${ITEM}$`, 'i'),
    assessment: table.assessment.map(yearPattern),
    invite: new RegExp(`^(?:${alternatives(table.invite)})(?: (.*))?$`, 'i'),
    milestone: new RegExp(`^(?:${alternatives(table.milestone)})(?: (.*))?$`, 'i'),
    // Read from the message as typed: a reply's line breaks and full-width punctuation are kept.
    handoffReply: new RegExp(`^(?:${alternatives(table.handoffReply)})\\s*${HANDOFF_REF}(?:[\\s:：,，]+([\\s\\S]*))?$`, 'i'),
    handoffReassign: new RegExp(`^(?:${alternatives(table.handoffReassign)}) ?${HANDOFF_REF}(?: (.*))?$`, 'is'),
    faqPublish: new RegExp(`^(?:${alternatives(table.faqPublish)})(?: ?${HANDOFF_REF})?$`, 'i'),
  };
}

/** Reads commands with the given words; the bot uses the words of dialogs/commands.json. */
export class CommandReader {
  private readonly grammars: LanguageGrammar[];
  private readonly conversational = new Map<string, Command>();
  private readonly echo: RegExp;
  private readonly confirmations: ReadonlySet<string>;

  constructor(commandWords: CommandWords = loadCommandWords()) {
    this.grammars = (['zh', 'en'] as const).map((lang) => grammarOf(lang, commandWords[lang]));
    for (const { lang, table } of this.grammars) {
      table.help.forEach((w) => this.conversational.set(w.toLowerCase(), { kind: 'help', lang }));
      table.cancel.forEach((w) => this.conversational.set(w.toLowerCase(), { kind: 'cancel', lang }));
      table.helpful.forEach((w) => this.conversational.set(w.toLowerCase(), { kind: 'feedback', vote: 'helpful', lang }));
      table.unhelpful.forEach((w) => this.conversational.set(w.toLowerCase(), { kind: 'feedback', vote: 'unhelpful', lang }));
      table.handoff.forEach((w) => this.conversational.set(w.toLowerCase(), { kind: 'handoff', lang }));
    }
    commandWords.anyLanguage.help.forEach((w) => this.conversational.set(w.toLowerCase(), { kind: 'help' }));
    commandWords.anyLanguage.ping.forEach((w) => this.conversational.set(w.toLowerCase(), { kind: 'ping' }));
    this.echo = new RegExp(`^(?:${alternatives(commandWords.anyLanguage.echo)}) (.+)$`, 'is');
    this.confirmations = new Set(this.grammars.flatMap((g) => g.table.confirm.map((w) => w.toLowerCase())));
  }

  /** Whether a reply says yes to a question the bot asked (确认, OK, 好的。). */
  isConfirmation(text: string): boolean {
    return this.confirmations.has(
      text
        .trim()
        .toLowerCase()
        .replace(/[\s。.!！~～]+$/u, ''),
    );
  }

  /** The command a message is, if it is one: "Help!", " 取消。", "CANCEL", "完成４．３" all count. */
  read(text: string): Command | undefined {
    return this.handoffReply(text) ?? this.schedulerCommand(text) ?? this.conversationalCommand(text) ?? this.echoCommand(text);
  }

  /** `答复 Q-2026-0042 …`, the reply text exactly as typed. */
  private handoffReply(raw: string): Command | undefined {
    for (const { lang, handoffReply } of this.grammars) {
      const m = handoffReply.exec(raw.trim());
      if (m) return { kind: 'scheduler', command: { name: 'handoff-reply', ref: canonicalRef(m[1]), text: m[2] ?? '' }, lang };
    }
    return undefined;
  }

  /** `echo <text>`, in the language of the text. */
  private echoCommand(text: string): Command | undefined {
    const echoed = this.echo.exec(text.trim())?.[1];
    return echoed ? { kind: 'echo', text: echoed, lang: spokenLang(echoed) } : undefined;
  }

  private conversationalCommand(text: string): Command | undefined {
    const word = text.trim().toLowerCase();
    // Trailing punctuation is dropped unless it is the whole message ("?" asks for help).
    return this.conversational.get(word) ?? this.conversational.get(word.replace(/[\s。.!！?？~～]+$/u, ''));
  }

  /** Full-width characters and extra spaces are normalised first. */
  private schedulerCommand(raw: string): Command | undefined {
    const text = raw
      .normalize('NFKC')
      .replace(/[。．]/g, '.')
      .trim()
      .replace(/\s+/g, ' ');
    for (const grammar of this.grammars) {
      const command = readSchedulerCommand(grammar, text);
      if (command) return { kind: 'scheduler', command, lang: grammar.lang };
    }
    return undefined;
  }
}

function readSchedulerCommand(g: LanguageGrammar, text: string): SchedulerCommand | undefined {
  const known = g.whole.get(text.toLowerCase());
  if (known?.kind === 'scheduler') return known.command;
  let m: RegExpExecArray | null;
  if ((m = g.bind.exec(text))) return { name: 'bind', code: m[1] ?? '' };
  if ((m = g.progress.exec(text))) return { name: 'progress', itemId: m[1].toUpperCase(), text: m[2] };
  if ((m = g.done.exec(text))) return { name: 'done', itemId: m[1].toUpperCase() };
  for (const pattern of g.assessment) if ((m = pattern.exec(text))) return { name: 'assessment', year: Number(m[1]) };
  if ((m = g.invite.exec(text))) return readInvite(g.table, m[1] ?? '');
  if ((m = g.milestone.exec(text))) return readMilestone(g.table, m[1] ?? '');
  if ((m = g.faqPublish.exec(text))) return { name: 'faq-publish', ref: m[1] ? canonicalRef(m[1]) : '' };
  if ((m = g.handoffReassign.exec(text))) return { name: 'handoff-reassign', ref: canonicalRef(m[1]), unit: m[2]?.trim() ?? '' };
  return undefined;
}

/** Which key of a word table lists the word, if any. */
function keyOf<K extends string>(table: Record<K, string[]>, word: string): K | undefined {
  const lower = word.toLowerCase();
  return (Object.keys(table) as K[]).find((key) => table[key].some((w) => w.toLowerCase() === lower));
}

function readInvite(table: CommandWords['zh'], args: string): SchedulerCommand {
  const [kindWord = '', ...rest] = args.split(' ').filter(Boolean);
  const kind = keyOf(table.inviteKinds, kindWord);
  if (!kind) return { name: 'admin-usage' };
  if (kind === 'admin') return { name: 'invite', kind, target: '', personName: rest.join(' ') };
  const [target, ...name] = rest;
  return target ? { name: 'invite', kind, target, personName: name.join(' ') } : { name: 'admin-usage' };
}

function readMilestone(table: CommandWords['zh'], args: string): SchedulerCommand {
  const [sub = '', ...rest] = args.split(' ').filter(Boolean);
  switch (keyOf(table.milestoneActions, sub)) {
    case 'list':
      return { name: 'milestone-list' };
    case 'remove': {
      const id = /^#?(\d+)$/.exec(rest[0] ?? '');
      return id && rest.length === 1 ? { name: 'milestone-remove', id: Number(id[1]) } : { name: 'admin-usage' };
    }
    case 'add': {
      const [itemId, due, ...words] = rest;
      const audience = keyOf(table.audiences, words[words.length - 1] ?? '');
      const title = (audience ? words.slice(0, -1) : words).join(' ');
      if (!itemId || !due || !title) return { name: 'admin-usage' };
      return { name: 'milestone-add', itemId, due, title, audience: audience ?? 'lead' };
    }
    default:
      return { name: 'admin-usage' };
  }
}

/** The language a text is written in, or undefined when it has no words ("2", "?", "4.3"). */
export function spokenLang(text: string): Lang | undefined {
  return /[\p{Script=Han}A-Za-z]/u.test(text) ? detectLang(text) : undefined;
}
