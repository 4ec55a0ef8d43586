import type { ConversationReference } from 'botbuilder';
import type { AdminActions } from './admin';
import type { Assessments } from './assessment';
import { localDateTime } from './clock';
import type { Contact, ContactBook, ContactKind } from './contacts';
import { type Lang, assessmentTable, assessmentZoneText, milestoneList, replies, reportList } from './messages';
import { type Audience, MilestoneError, type Milestones } from './milestones';
import { SUPERVISING_UNIT, normalizeName, responsibleUnits } from './units';

/**
 * The chat commands. The bot calls `handle` with every message before the answering engine:
 * it refreshes the conversation's stored reference, and returns the reply to a command, or null
 * when the text is not one. Whether the sender is an admin is the bot's decision.
 */

export interface CommandInput {
  text: string;
  reference: Partial<ConversationReference>;
  userId: string;
  isAdmin: boolean;
  lang?: Lang;
}

type Command =
  | { name: 'bind'; code: string }
  | { name: 'unbind' }
  | { name: 'subscriptions' }
  | { name: 'progress'; itemId: string; text: string }
  | { name: 'done'; itemId: string }
  | { name: 'assessment'; year: number }
  | { name: 'invite'; kind: ContactKind; target: string; personName: string }
  | { name: 'milestone-list' }
  | { name: 'milestone-add'; itemId: string; due: string; title: string; audience: Audience }
  | { name: 'milestone-remove'; id: number }
  | { name: 'progress-list' }
  | { name: 'admin-usage' };

type Parsed = Command & { lang: Lang };

const ADMIN_COMMANDS = new Set<Command['name']>(['invite', 'milestone-list', 'milestone-add', 'milestone-remove', 'progress-list', 'admin-usage']);
const ITEM = '((?:\\d+|[Oo])\\.\\d+)';
const INVITE_KINDS: Record<string, ContactKind> = { 部门: 'unit', dept: 'unit', department: 'unit', 开发区: 'zone', zone: 'zone', 管理员: 'admin', admin: 'admin' };
const AUDIENCES: Record<string, Audience> = { 牵头: 'lead', lead: 'lead', 全部: 'all', all: 'all' };

const langOf = (keyword: string): Lang => (/^[a-z]/i.test(keyword) ? 'en' : 'zh');

/** Reads a command from a message, or null. Full-width characters and extra spaces are normalised first. */
export function parseCommand(raw: string): Parsed | null {
  const text = raw.normalize('NFKC').replace(/[。．]/g, '.').trim().replace(/\s+/g, ' ');
  let m: RegExpExecArray | null;
  // A code is letters, digits and a dash, so "绑定是什么意思" stays a question for the answering engine.
  if ((m = /^(绑定|bind)(?: ?([0-9a-z-]{4,}))?$/i.exec(text))) return { name: 'bind', code: m[2] ?? '', lang: langOf(m[1]) };
  if ((m = /^(解绑|unbind)$/i.exec(text))) return { name: 'unbind', lang: langOf(m[1]) };
  if ((m = /^(我的订阅|my subscriptions)$/i.exec(text))) return { name: 'subscriptions', lang: langOf(m[1]) };
  if ((m = /^(进展列表|progress list)$/i.exec(text))) return { name: 'progress-list', lang: langOf(m[1]) };
  if ((m = new RegExp(`^(进展|progress) ?${ITEM} (.+)$`, 'is').exec(text))) return { name: 'progress', itemId: m[2].toUpperCase(), text: m[3], lang: langOf(m[1]) };
  if ((m = new RegExp(`^(完成|done) ?${ITEM}$`, 'i').exec(text))) return { name: 'done', itemId: m[2].toUpperCase(), lang: langOf(m[1]) };
  if ((m = /^(\d{4}) ?年度? ?考核结果$/.exec(text))) return { name: 'assessment', year: Number(m[1]), lang: 'zh' };
  if ((m = /^assessment (\d{4})$/i.exec(text))) return { name: 'assessment', year: Number(m[1]), lang: 'en' };
  if ((m = /^(邀请|invite)(?: (.*))?$/i.exec(text))) return parseInvite(m[2] ?? '', langOf(m[1]));
  if ((m = /^(里程碑|milestones?)(?: (.*))?$/i.exec(text))) return parseMilestone(m[2] ?? '', langOf(m[1]));
  return null;
}

function parseInvite(args: string, lang: Lang): Parsed {
  const [kindWord = '', ...rest] = args.split(' ').filter(Boolean);
  const kind = INVITE_KINDS[kindWord.toLowerCase()];
  if (!kind) return { name: 'admin-usage', lang };
  if (kind === 'admin') return { name: 'invite', kind, target: '', personName: rest.join(' '), lang };
  const [target, ...name] = rest;
  return target ? { name: 'invite', kind, target, personName: name.join(' '), lang } : { name: 'admin-usage', lang };
}

function parseMilestone(args: string, lang: Lang): Parsed {
  const [sub = '', ...rest] = args.split(' ').filter(Boolean);
  switch (sub.toLowerCase()) {
    case '列表':
    case 'list':
      return { name: 'milestone-list', lang };
    case '删除':
    case 'remove': {
      const id = /^#?(\d+)$/.exec(rest[0] ?? '');
      return id && rest.length === 1 ? { name: 'milestone-remove', id: Number(id[1]), lang } : { name: 'admin-usage', lang };
    }
    case '添加':
    case 'add': {
      const [itemId, due, ...words] = rest;
      const audience = AUDIENCES[(words[words.length - 1] ?? '').toLowerCase()];
      const title = (audience ? words.slice(0, -1) : words).join(' ');
      if (!itemId || !due || !title) return { name: 'admin-usage', lang };
      return { name: 'milestone-add', itemId, due, title, audience: audience ?? 'lead', lang };
    }
    default:
      return { name: 'admin-usage', lang };
  }
}

export class ChatCommands {
  constructor(
    private readonly contacts: ContactBook,
    private readonly milestones: Milestones,
    private readonly assessments: Assessments,
    private readonly admin: AdminActions,
    private readonly timeZone: string,
  ) {}

  /** Keeps a bound conversation's reference current; `handle` calls it for every message. */
  refreshReference(reference: Partial<ConversationReference>): Promise<void> {
    return this.contacts.refreshReference(reference);
  }

  async handle(input: CommandInput): Promise<string | null> {
    const conversationId = input.reference.conversation?.id;
    if (!conversationId) return null;
    await this.refreshReference(input.reference);
    const command = parseCommand(input.text);
    if (!command) return null;
    const lang = input.lang ?? command.lang;
    if (ADMIN_COMMANDS.has(command.name) && !input.isAdmin) return replies.adminOnly(lang);
    return this.run(command, { ...input, conversationId }, lang);
  }

  private async run(c: Command, input: CommandInput & { conversationId: string }, lang: Lang): Promise<string> {
    switch (c.name) {
      case 'bind':
        return this.bind(c.code, input, lang);
      case 'unbind':
        return replies.unbound(lang, await this.contacts.unbind(input.conversationId, input.userId));
      case 'subscriptions':
        return replies.subscriptions(lang, await this.contacts.bindingsOf(input.conversationId));
      case 'progress':
      case 'done':
        return this.report(c, input.conversationId, lang);
      case 'assessment':
        return this.assessment(c.year, input, lang);
      case 'invite': {
        const outcome = await this.admin.invite(c.kind, c.target, c.personName);
        return outcome.ok ? replies.inviteCreated(lang, outcome.label, outcome.code, outcome.expires) : outcome.message(lang);
      }
      case 'milestone-list':
        return milestoneList(lang, await this.admin.milestoneRows());
      case 'milestone-add':
      case 'milestone-remove':
        return this.changeMilestone(c, lang);
      case 'progress-list':
        return reportList(lang, (await this.milestones.reports()).slice(0, 30), (ms) => localDateTime(ms, this.timeZone));
      case 'admin-usage':
        return replies.adminUsage(lang);
    }
  }

  private async bind(code: string, input: CommandInput, lang: Lang): Promise<string> {
    if (!code) return replies.bindUsage(lang);
    const result = await this.contacts.bind({ code, reference: input.reference, userId: input.userId, lang });
    switch (result.kind) {
      case 'bound':
        return replies.bound(lang, result.contact);
      case 'already':
        return replies.already(lang, result.contact);
      case 'rate-limited':
        return replies.rateLimited(lang, result.retryInMinutes);
      case 'invalid':
        return replies.invalidCode(lang);
    }
  }

  /** `进展`/`完成`: only for items the conversation's bound units answer for. */
  private async report(c: Extract<Command, { name: 'progress' | 'done' }>, conversationId: string, lang: Lang): Promise<string> {
    const liaisons = (await this.contacts.bindingsOf(conversationId)).filter((b) => b.kind === 'unit');
    if (!liaisons.length) return replies.notLiaison(lang);
    const item = this.milestones.item(c.itemId);
    if (!item) return replies.unknownItem(lang, c.itemId);
    const units = responsibleUnits(item);
    const reporters = liaisons.filter((b) => units.includes(b.target));
    if (!reporters.length) return replies.notResponsible(lang, item, units, liaisons.map((b) => b.target));
    if (c.name === 'progress') {
      for (const contact of reporters) await this.milestones.recordProgress(contact, contact.target, item.id, c.text);
      return replies.progressRecorded(lang, item, reporters.map((b) => b.target));
    }
    const lines: string[] = [];
    for (const contact of reporters) lines.push(replies.completion(lang, item, await this.milestones.complete(contact, contact.target, item.id)));
    return lines.join('\n');
  }

  /** Admins and 省商务厅 see the whole year; a zone's contact sees only its own zone; anyone else nothing. */
  private async assessment(year: number, input: CommandInput & { conversationId: string }, lang: Lang): Promise<string> {
    const bindings = (await this.contacts.bindingsOf(input.conversationId)).filter((b) => b.status === 'active');
    const seesAll = input.isAdmin || bindings.some(isOverseer);
    const zones = bindings.filter((b) => b.kind === 'zone').map((b) => b.target);
    if (!seesAll && !zones.length) return replies.resultsRefused(lang);
    const results = await this.assessments.results(year);
    if (seesAll) {
      if (!results.length) return replies.noResults(lang, year);
      return assessmentTable(lang, year, results, (await this.assessments.results(year - 1)).length > 0);
    }
    const own = results.filter((r) => zones.includes(normalizeName(r.zone)));
    return own.length ? own.map((r) => assessmentZoneText(lang, r)).join('\n') : replies.noResults(lang, year);
  }

  private async changeMilestone(c: Extract<Command, { name: 'milestone-add' | 'milestone-remove' }>, lang: Lang): Promise<string> {
    try {
      if (c.name === 'milestone-remove') return replies.milestoneRemoved(lang, await this.milestones.remove(c.id));
      return replies.milestoneAdded(lang, await this.milestones.add({ itemId: c.itemId, due: c.due, title: c.title, audience: c.audience }));
    } catch (err) {
      if (err instanceof MilestoneError) return replies.milestoneProblem(lang, err.problem, err.detail);
      throw err;
    }
  }
}

function isOverseer(b: Contact): boolean {
  return b.kind === 'admin' || (b.kind === 'unit' && b.target === SUPERVISING_UNIT);
}
