import type { AdminActions, PublishOutcome } from './admin';
import type { Assessments } from './assessment';
import type { Actor } from '../db';
import type { AnswerLog } from '../knowledge';
import { type Clock, localDate, localDateTime } from './clock';
import type { ContactBook } from './contacts';
import { type HandoffDesk, MAX_REPLY_CHARS, type ReplyOutcome } from './handoffs';
import type { ReassignChange } from './admin';
import { type Lang, assessmentTable, assessmentZoneText, milestoneList, replies, reportList } from './messages';
import { say } from '../catalogue';
import { buildReport, reportText } from './report';
import { MilestoneError, type Milestones } from './milestones';
import type { ConversationAddress } from './sender';
import { SUPERVISING_UNIT, type UnitResolver, normalizeName, responsibleUnits } from './units';
import type { Audience, Contact, ContactKind } from './records';

/**
 * What the reminders' chat commands do. The dialogs recognise a command in what someone typed
 * (dialogs/commands.ts) and call `run` with it; whether the sender is an admin is the bot's decision.
 */

export type SchedulerCommand =
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
  | { name: 'admin-usage' }
  /** `答复 Q-2026-0042 …`: a liaison's (or an admin's) reply to a hand-off; ref '' when none was typed. */
  | { name: 'handoff-reply'; ref: string; text: string }
  /** `转办 Q-2026-0042 省财政厅`: an admin moves a hand-off to another unit; unit '' when none was typed. */
  | { name: 'handoff-reassign'; ref: string; unit: string }
  /** `转办列表`: the open hand-offs this conversation may see. */
  | { name: 'handoff-list' }
  /** `使用报告`: answers, votes and hand-offs of the last `days` days, for the admins. */
  | { name: 'report'; days: number }
  /** `发布问答 Q-…`: an admin publishes an answered hand-off as an FAQ entry; ref '' when none was typed. */
  | { name: 'faq-publish'; ref: string };

/** Who sent a command, from where. */
export interface CommandCaller {
  address: ConversationAddress;
  userId: string;
  isAdmin: boolean;
}

const ADMIN_COMMANDS = new Set<SchedulerCommand['name']>([
  'invite',
  'milestone-list',
  'milestone-add',
  'milestone-remove',
  'progress-list',
  'admin-usage',
  'handoff-reassign',
  'report',
  'faq-publish',
]);

export interface ChatCommandStores {
  contacts: ContactBook;
  milestones: Milestones;
  assessments: Assessments;
  admin: AdminActions;
  handoffs: HandoffDesk;
  units: UnitResolver;
  answers: AnswerLog;
  clock: Clock;
  timeZone: string;
}

export class ChatCommands {
  private readonly contacts: ContactBook;
  private readonly milestones: Milestones;
  private readonly assessments: Assessments;
  private readonly admin: AdminActions;
  private readonly timeZone: string;
  private readonly answers: AnswerLog;
  private readonly clock: Clock;
  /** The hand-offs, which the dialogs also start (handoffs.create). */
  readonly handoffs: HandoffDesk;
  /** Reads a unit typed in any of its names, for the dialogs' hand-off confirmation too. */
  readonly units: UnitResolver;

  constructor(stores: ChatCommandStores) {
    ({
      contacts: this.contacts,
      milestones: this.milestones,
      assessments: this.assessments,
      admin: this.admin,
      timeZone: this.timeZone,
      handoffs: this.handoffs,
      units: this.units,
      answers: this.answers,
      clock: this.clock,
    } = stores);
  }

  /**
   * Keeps a bound conversation's reference current and brings back one marked inactive: the
   * dialogs call it for every message, help and ping included.
   */
  refreshReference(address: ConversationAddress): Promise<void> {
    return this.contacts.refreshReference(address);
  }

  /**
   * Who a conversation speaks for: the plan's units and the zones it is bound to, so that the
   * answers to 我们厅牵头哪些任务？ and "our zone" know whose they are.
   */
  async boundUnits(conversationId: string): Promise<{ units: string[]; zones: string[] }> {
    const bindings = (await this.contacts.bindingsOf(conversationId)).filter((b) => b.status !== 'unbound');
    const of = (kind: ContactKind) => [...new Set(bindings.filter((b) => b.kind === kind).map((b) => b.target))];
    return { units: of('unit'), zones: of('zone') };
  }

  /** A zone contact's own result of the last year assessed, as the assessment command gives it; null when there is none. */
  async ownResults(conversationId: string, lang: Lang): Promise<string | null> {
    const zones = (await this.boundUnits(conversationId)).zones;
    const year = zones.length ? await this.assessments.latestYear() : null;
    if (year === null) return null;
    const own = (await this.assessments.results(year)).filter((r) => zones.includes(normalizeName(r.zone)));
    return own.length ? own.map((r) => assessmentZoneText(lang, r)).join('\n') : null;
  }

  /** The reply to a command, in `lang`. */
  async run(c: SchedulerCommand, caller: CommandCaller, lang: Lang): Promise<string> {
    if (ADMIN_COMMANDS.has(c.name) && !caller.isAdmin) return replies.adminOnly(lang);
    const input = { ...caller, conversationId: caller.address.conversationId };
    const actor: Actor = { source: 'chat', name: caller.userId };
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
        const outcome = await this.admin.invite(c.kind, c.target, c.personName, actor);
        return outcome.ok ? replies.inviteCreated(lang, outcome.label, outcome.code, outcome.expires) : outcome.message(lang);
      }
      case 'milestone-list':
        return milestoneList(lang, await this.admin.milestoneRows());
      case 'milestone-add':
      case 'milestone-remove':
        return this.changeMilestone(c, actor, lang);
      case 'progress-list':
        return reportList(lang, (await this.milestones.reports()).slice(0, 30), (ms) => localDateTime(ms, this.timeZone));
      case 'admin-usage':
        return replies.adminUsage(lang);
      case 'handoff-reply':
        return this.replyToHandoff(c, input, lang);
      case 'handoff-reassign':
        return this.reassign(c, actor, lang);
      case 'handoff-list':
        return this.handoffList(input, lang);
      case 'faq-publish':
        if (!c.ref) return say(lang, 'faq.publishUsage');
        return publishText(lang, await this.admin.publishFaq(c.ref, actor));
      case 'report': {
        const to = this.clock.now();
        const report = await buildReport({ answers: this.answers, handoffs: this.handoffs }, to - c.days * 86_400_000, to);
        return reportText(lang, report, (ms) => localDate(ms, this.timeZone));
      }
    }
  }

  private async replyToHandoff(
    c: Extract<SchedulerCommand, { name: 'handoff-reply' }>,
    caller: CommandCaller & { conversationId: string },
    lang: Lang,
  ) {
    if (!c.ref) return say(lang, 'handoff.replyUsage');
    return replyText(lang, c.ref, await this.handoffs.reply(c.ref, c.text, caller), (ms) => localDate(ms, this.timeZone));
  }

  private async reassign(c: Extract<SchedulerCommand, { name: 'handoff-reassign' }>, actor: Actor, lang: Lang): Promise<string> {
    if (!c.ref || !c.unit) return say(lang, 'handoff.reassignUsage');
    return reassignText(lang, c.ref, await this.admin.reassignHandoff(c.ref, c.unit, actor));
  }

  /** A liaison sees the hand-offs of its units, an admin all; nobody else any. */
  private async handoffList(caller: CommandCaller & { conversationId: string }, lang: Lang): Promise<string> {
    const open = await this.handoffs.openFor(caller);
    if (!open) return say(lang, 'handoff.notContact');
    if (!open.length) return say(lang, 'handoff.listEmpty');
    const lines = open.map((h) =>
      say(lang, 'handoff.listLine', {
        ref: h.ref,
        unit: h.unit,
        deadline: h.deadline,
        question: h.question.length > 80 ? `${h.question.slice(0, 79)}…` : h.question,
        overdue: this.handoffs.isOverdue(h) ? say(lang, 'handoff.listOverdue') : '',
      }),
    );
    return [say(lang, 'handoff.listHeading'), ...lines].join('\n');
  }

  private async bind(code: string, input: CommandCaller, lang: Lang): Promise<string> {
    if (!code) return replies.bindUsage(lang);
    const result = await this.contacts.bind({ code, address: input.address, userId: input.userId, lang });
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
  private async report(c: Extract<SchedulerCommand, { name: 'progress' | 'done' }>, conversationId: string, lang: Lang): Promise<string> {
    const liaisons = (await this.contacts.bindingsOf(conversationId)).filter((b) => b.kind === 'unit');
    if (!liaisons.length) return replies.notLiaison(lang);
    const item = this.milestones.item(c.itemId);
    if (!item) return replies.unknownItem(lang, c.itemId);
    const units = responsibleUnits(item);
    const reporters = liaisons.filter((b) => units.includes(b.target));
    if (!reporters.length)
      return replies.notResponsible(
        lang,
        item,
        units,
        liaisons.map((b) => b.target),
      );
    if (c.name === 'progress') {
      for (const contact of reporters) await this.milestones.recordProgress(contact, contact.target, item.id, c.text);
      return replies.progressRecorded(
        lang,
        item,
        reporters.map((b) => b.target),
      );
    }
    const lines: string[] = [];
    for (const contact of reporters)
      lines.push(replies.completion(lang, item, await this.milestones.complete(contact, contact.target, item.id)));
    return lines.join('\n');
  }

  /** Admins and 省商务厅 see the whole year; a zone's contact sees only its own zone; anyone else nothing. */
  private async assessment(year: number, input: CommandCaller & { conversationId: string }, lang: Lang): Promise<string> {
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

  private async changeMilestone(
    c: Extract<SchedulerCommand, { name: 'milestone-add' | 'milestone-remove' }>,
    actor: Actor,
    lang: Lang,
  ): Promise<string> {
    try {
      if (c.name === 'milestone-remove') return replies.milestoneRemoved(lang, await this.admin.removeMilestone(c.id, actor));
      return replies.milestoneAdded(
        lang,
        await this.admin.addMilestone({ itemId: c.itemId, due: c.due, title: c.title, audience: c.audience }, actor),
      );
    } catch (err) {
      if (err instanceof MilestoneError) return replies.milestoneProblem(lang, err.problem, err.detail);
      throw err;
    }
  }
}

function replyText(lang: Lang, ref: string, outcome: ReplyOutcome, dateOf: (ms: number) => string): string {
  switch (outcome.kind) {
    case 'sent':
      return say(lang, 'handoff.replied', { ref: outcome.handoff.ref, unit: outcome.handoff.repliedUnit ?? outcome.handoff.unit });
    case 'unknown':
      return say(lang, 'handoff.unknownRef', { ref: ref.toUpperCase() });
    case 'forbidden':
      return say(lang, 'handoff.forbidden', { ref: outcome.handoff.ref, unit: outcome.handoff.unit });
    case 'already': {
      const h = outcome.handoff;
      const date = h.repliedAt === null ? '' : dateOf(h.repliedAt);
      return say(lang, 'handoff.alreadyReplied', { ref: h.ref, unit: h.repliedUnit ?? h.unit, date, reply: h.reply ?? '' });
    }
    case 'empty':
      return say(lang, 'handoff.emptyReply', { ref: ref.toUpperCase() });
    case 'too-long':
      return say(lang, 'handoff.replyTooLong', { length: outcome.length, max: MAX_REPLY_CHARS });
  }
}

/** What an admin is told of a publish, in chat and in the console. */
export function publishText(lang: Lang, outcome: PublishOutcome): string {
  switch (outcome.kind) {
    case 'published':
      return say(lang, 'faq.published', { ref: outcome.ref, id: outcome.entry.id, question: outcome.question, unit: outcome.unit });
    case 'unknown':
      return say(lang, 'handoff.unknownRef', { ref: outcome.ref });
    case 'not-answered':
      return say(lang, 'faq.notAnswered', { ref: outcome.ref });
    case 'invalid':
      return say(lang, 'faq.invalid', { problems: outcome.problems.join('; ') });
  }
}

/** What an admin is told of a reassignment, in chat and in the console. */
export function reassignText(lang: Lang, ref: string, outcome: ReassignChange): string {
  switch (outcome.kind) {
    case 'unknown-unit':
      return replies.unknownUnit(lang, outcome.typed, outcome.lookup);
    case 'reassigned':
      return say(lang, 'handoff.reassigned', {
        ref: outcome.handoff.ref,
        old: outcome.from,
        unit: outcome.handoff.unit,
        deadline: outcome.handoff.deadline,
      });
    case 'unknown':
      return say(lang, 'handoff.unknownRef', { ref: ref.toUpperCase() });
    case 'same':
      return say(lang, 'handoff.reassignSame', { ref: outcome.handoff.ref, unit: outcome.handoff.unit });
    case 'answered':
      return say(lang, 'handoff.reassignAnswered', { ref: outcome.handoff.ref });
  }
}

function isOverseer(b: Contact): boolean {
  return b.kind === 'admin' || (b.kind === 'unit' && b.target === SUPERVISING_UNIT);
}
