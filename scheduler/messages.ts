import { say } from '../catalogue';
import { type Item, type Lang, loadDirectory, unitNamer } from '../knowledge';
import type { IsoDate } from './clock';
import type { UnitLookup } from './units';
import type { AssessmentResult, Completion, Contact, Handoff, Milestone, Report } from './records';

/** Everything the scheduler says, worded in the catalogue. The plan's names stay in Chinese in both languages. */

export type { Lang };

/** Names in a list: 省商务厅、省财政厅 in Chinese, 省商务厅, 省财政厅 in English. */
function enumeration(lang: Lang, names: readonly string[]): string {
  return names.join(say(lang, 'list.enumeration'));
}

// ——— proactive messages ———

export function reminderText(lang: Lang, r: { unit: string; item: Item; milestone: Milestone; daysLeft: number }): string {
  const { unit, item, milestone: m, daysLeft } = r;
  const reply = say(lang, 'reminder.reply', { id: item.id });
  const about = { unit, id: item.id, title: item.title, milestone: m.title, due: m.due, reply };
  if (daysLeft < 0) return say(lang, 'reminder.overdue', { ...about, days: -daysLeft });
  const when = daysLeft === 0 ? say(lang, 'reminder.dueToday') : say(lang, 'reminder.dueIn', { due: m.due, days: daysLeft });
  return say(lang, 'reminder.due', { ...about, when });
}

/** Put before a message sent on a later day than it should have been. */
export function lateNote(lang: Lang, dueDate: IsoDate): string {
  return `${say(lang, 'reminder.late', { date: dueDate })}\n`;
}

function consequence(lang: Lang, r: AssessmentResult): string {
  if (r.exitCandidate) return say(lang, 'assessment.exit');
  return say(lang, r.warned ? 'assessment.warned' : 'assessment.notWarned');
}

function resultLine(lang: Lang, r: AssessmentResult): string {
  if (r.rank === null) return say(lang, 'assessment.line.national', { zone: r.zone, score: r.score });
  const { rank, ranked, zone, score } = r;
  return say(lang, 'assessment.line.ranked', { rank, ranked, zone, score, consequence: consequence(lang, r) });
}

export function assessmentZoneText(lang: Lang, r: AssessmentResult): string {
  const head = say(lang, 'assessment.heading', { year: r.year });
  if (r.rank === null) return head + say(lang, 'assessment.zone.national', { zone: r.zone, score: r.score });
  const { rank, ranked, zone, score } = r;
  return head + say(lang, 'assessment.zone.provincial', { rank, ranked, zone, score, consequence: consequence(lang, r) });
}

/** The full table: what 省商务厅 and the admins receive, and see in chat. */
export function assessmentTable(lang: Lang, year: number, results: readonly AssessmentResult[], previousYearKnown = true): string {
  const lines = [say(lang, 'assessment.heading', { year }) + say(lang, 'assessment.zoneCount', { count: results.length })];
  lines.push(...results.map((r) => resultLine(lang, r)));
  if (!previousYearKnown) lines.push(say(lang, 'assessment.noPreviousYear', { year: year - 1 }));
  return lines.join('\n');
}

export function assessmentSummaryText(lang: Lang, year: number, results: readonly AssessmentResult[], previousYearKnown: boolean): string {
  const zones = (list: readonly AssessmentResult[]) =>
    enumeration(
      lang,
      list.map((r) => r.zone),
    ) || say(lang, 'list.empty');
  const warned = zones(results.filter((r) => r.warned));
  const summary = say(lang, 'assessment.summary', { warned, exits: zones(results.filter((r) => r.exitCandidate)) });
  return `${assessmentTable(lang, year, results, previousYearKnown)}\n${summary}`;
}

/** What a contact is, in a notice: its unit or zone, the admins, or the asker of a hand-off. */
function contactLabel(lang: Lang, kind: string, target: string): string {
  if (kind === 'admin') return say(lang, 'notice.admin');
  return kind === 'asker' ? say(lang, 'notice.asker') : target;
}

function who(lang: Lang, c: { contactKind: string; contactTarget: string; contactName: string | null; conversationId: string }): string {
  const target = contactLabel(lang, c.contactKind, c.contactTarget);
  if (!c.contactName) return say(lang, 'notice.contactUnnamed', { target, conversation: c.conversationId });
  return say(lang, 'notice.contact', { target, name: c.contactName, conversation: c.conversationId });
}

export function deadNotice(
  lang: Lang,
  m: { contactKind: string; contactTarget: string; contactName: string | null; conversationId: string; attempts: number; text: string },
  error: string,
): string {
  return say(lang, 'notice.dead', { who: who(lang, m), attempts: m.attempts, error, message: m.text.slice(0, 200) });
}

export function goneNotice(
  lang: Lang,
  m: { contactKind: string; contactTarget: string; contactName: string | null; conversationId: string },
  status: number,
  contacts: readonly Contact[],
): string {
  const bindings = enumeration(
    lang,
    contacts.map((c) => contactLabel(lang, c.kind, c.target)),
  );
  return say(lang, 'notice.gone', { who: who(lang, m), status, bindings });
}

/** What a hand-off's messages are about. */
export type HandoffText =
  | { kind: 'to-unit' | 'to-admins'; handoff: Handoff }
  | { kind: 'to-asker'; handoff: Handoff; date: IsoDate }
  | { kind: 'moved-away'; handoff: Handoff; from: string }
  | { kind: 'overdue-unit' | 'overdue-admins'; handoff: Handoff; days: number };

let namer: ((unit: string, lang: Lang) => string) | undefined;

/** A unit as the answers name it, with today's name: what the person who asked reads. */
export function unitLabel(unit: string, lang: Lang): string {
  namer ??= unitNamer(loadDirectory());
  return namer(unit, lang);
}

export function handoffText(lang: Lang, t: HandoffText): string {
  const h = t.handoff;
  const about = {
    ref: h.ref,
    unit: h.unit,
    question: h.question,
    deadline: h.deadline,
    language: say(lang, h.lang === 'zh' ? 'handoff.languageZh' : 'handoff.languageEn'),
  };
  switch (t.kind) {
    case 'to-unit':
      return say(lang, 'handoff.toUnit', about);
    case 'to-admins':
      return say(lang, 'handoff.toAdmins', about);
    case 'to-asker':
      return say(lang, 'handoff.toAsker', { ...about, unit: unitLabel(h.repliedUnit ?? h.unit, lang), date: t.date, reply: h.reply ?? '' });
    case 'moved-away':
      return say(lang, 'handoff.reassignedToOld', { ...about, old: t.from });
    case 'overdue-unit':
      return say(lang, 'handoff.overdueUnit', { ...about, days: t.days });
    case 'overdue-admins':
      return say(lang, 'handoff.overdueAdmins', { ...about, days: t.days });
  }
}

// ——— chat replies ———

function bindingLabel(lang: Lang, c: Pick<Contact, 'kind' | 'target'>): string {
  if (c.kind === 'admin') return say(lang, 'binding.admin');
  if (c.kind === 'zone') return say(lang, 'binding.zone', { zone: c.target });
  return say(lang, 'binding.department', { unit: c.target });
}

function subscriptionLine(lang: Lang, c: Contact): string {
  return say(lang, c.status === 'inactive' ? 'chat.subscription.inactive' : 'chat.subscription', { binding: bindingLabel(lang, c) });
}

const MILESTONE_PROBLEMS = new Map<string, (lang: Lang, detail: string) => string>([
  ['unknown-item', (lang, id) => say(lang, 'chat.unknownItem', { id })],
  ['bad-date', (lang, date) => say(lang, 'milestone.badDate', { date })],
  ['not-found', (lang, id) => say(lang, 'milestone.notFound', { id })],
  ['empty-title', (lang) => say(lang, 'milestone.emptyTitle')],
]);

export const replies = {
  bound: (lang: Lang, c: Contact) => say(lang, 'chat.bound', { binding: bindingLabel(lang, c) }),
  already: (lang: Lang, c: Contact) => say(lang, 'chat.alreadyBound', { binding: bindingLabel(lang, c) }),
  bindUsage: (lang: Lang) => say(lang, 'chat.bindUsage'),
  zoneMissing: (lang: Lang) => say(lang, 'chat.zoneMissing'),
  invalidCode: (lang: Lang) => say(lang, 'chat.invalidCode'),
  rateLimited: (lang: Lang, minutes: number) => say(lang, 'chat.rateLimited', { minutes }),
  unbound: (lang: Lang, ended: readonly Contact[]) =>
    ended.length
      ? say(lang, 'chat.unbound', { bindings: ended.map((c) => bindingLabel(lang, c)).join(say(lang, 'list.semicolon')) })
      : say(lang, 'chat.noBinding'),
  subscriptions: (lang: Lang, bindings: readonly Contact[]) =>
    bindings.length
      ? [say(lang, 'chat.subscriptions'), ...bindings.map((c) => subscriptionLine(lang, c))].join('\n')
      : say(lang, 'chat.noSubscriptions'),
  notLiaison: (lang: Lang) => say(lang, 'chat.notLiaison'),
  unknownItem: (lang: Lang, id: string) => say(lang, 'chat.unknownItem', { id }),
  notResponsible: (lang: Lang, item: Item, units: readonly string[], own: readonly string[]) =>
    say(lang, 'chat.notResponsible', { id: item.id, units: enumeration(lang, units), own: enumeration(lang, own) }),
  progressRecorded: (lang: Lang, item: Item, units: readonly string[]) =>
    say(lang, 'chat.progressRecorded', { units: enumeration(lang, units), id: item.id, title: item.title }),
  completion: (lang: Lang, item: Item, c: Completion) => {
    if (!c.milestone) return say(lang, 'chat.completion.noMilestone', { unit: c.unit, id: item.id });
    const next = c.nextDue ? say(lang, 'chat.completion.next', { due: c.nextDue }) : '';
    return say(lang, 'chat.completion', { unit: c.unit, id: item.id, milestone: c.milestone.title, due: c.milestone.due, next }).trim();
  },
  noResults: (lang: Lang, year: number) => say(lang, 'chat.noResults', { year }),
  resultsRefused: (lang: Lang) => say(lang, 'chat.resultsRefused'),
  adminOnly: (lang: Lang) => say(lang, 'chat.adminOnly'),
  inviteCreated: (lang: Lang, label: string, code: string, expires: string) => say(lang, 'chat.inviteCreated', { label, code, expires }),
  unknownUnit: (lang: Lang, typed: string, lookup: Extract<UnitLookup, { ok: false }>) =>
    lookup.reason === 'ambiguous'
      ? say(lang, 'chat.unitAmbiguous', { typed, candidates: enumeration(lang, lookup.candidates) })
      : say(lang, 'chat.unitUnknown', { typed }),
  milestoneAdded: (lang: Lang, m: Milestone) => say(lang, 'milestone.added', { id: m.id }) + milestoneLine(lang, m),
  milestoneRemoved: (lang: Lang, m: Milestone) => say(lang, 'milestone.removed', { id: m.id }) + milestoneLine(lang, m),
  milestoneProblem: (lang: Lang, problem: string, detail: string) => MILESTONE_PROBLEMS.get(problem)?.(lang, detail) ?? detail,
  adminUsage: (lang: Lang) => say(lang, 'chat.adminUsage'),
};

export function milestoneLine(lang: Lang, m: Milestone, units?: readonly string[]): string {
  const audience = say(lang, m.audience === 'lead' ? 'milestone.lead' : 'milestone.all');
  const repeat = m.repeatMonths ? say(lang, 'milestone.repeat', { months: m.repeatMonths }) : '';
  const status = m.status === 'open' ? '' : ` [${m.status}]`;
  const to = units?.length ? `: ${enumeration(lang, units)}` : '';
  return `#${m.id} ${m.itemId} ${m.due} ${m.title} (${audience}${to}${repeat})${status}`;
}

export function milestoneList(lang: Lang, rows: readonly { milestone: Milestone; units: readonly string[] }[]): string {
  if (!rows.length) return say(lang, 'milestone.none');
  return rows.map((r) => milestoneLine(lang, r.milestone, r.units)).join('\n');
}

export function reportList(lang: Lang, reports: readonly Report[], formatTime: (ms: number) => string): string {
  if (!reports.length) return say(lang, 'report.none');
  return reports
    .map((r) => {
      const what = r.kind === 'done' ? say(lang, 'report.done') : r.text;
      return `${formatTime(r.at)} ${r.itemId} ${r.unit}${r.contactName ? ` (${r.contactName})` : ''}: ${what}`;
    })
    .join('\n');
}
