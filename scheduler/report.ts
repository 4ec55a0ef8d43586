import { say } from '../catalogue';
import type { AnswerLog, AnswerStatus, Lang } from '../knowledge';
import type { HandoffDesk } from './handoffs';

/**
 * What the admins read about a period: how questions were answered, the questions the plan could
 * not answer (the same words count once, with how often), the votes per item, and the hand-offs.
 */
export interface Report {
  from: number;
  to: number;
  answers: Record<Exclude<AnswerStatus, 'chitchat'>, number>;
  declined: { question: string; count: number }[];
  feedback: { itemId: string; helpful: number; unhelpful: number; helpfulRate: number }[];
  handoffs: { made: number; open: number; answered: number; overdue: number; medianHoursToAnswer: number | null };
}

const DECLINED_SHOWN = 20;

/** The same words after normalisation: case, width, spaces and punctuation do not make a question another. */
export function questionKey(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function buildReport(stores: { answers: AnswerLog; handoffs: HandoffDesk }, from: number, to: number): Promise<Report> {
  const answers = await stores.answers.between(from, to);
  const counts = { answered: 0, clarify: 0, unknown: 0, out_of_scope: 0 };
  const declined = new Map<string, { question: string; count: number }>();
  const votes = new Map<string, { helpful: number; unhelpful: number }>();
  for (const a of answers) {
    if (a.status !== 'chitchat') counts[a.status] += 1;
    if (a.status === 'unknown' || a.status === 'out_of_scope') {
      const key = questionKey(a.question);
      const group = declined.get(key) ?? { question: a.question, count: 0 };
      group.count += 1;
      declined.set(key, group);
    }
    if (a.vote && a.itemIds.length) {
      const v = votes.get(a.itemIds[0]) ?? { helpful: 0, unhelpful: 0 };
      v[a.vote] += 1;
      votes.set(a.itemIds[0], v);
    }
  }
  const handoffs = await stores.handoffs.between(from, to);
  const answered = handoffs.filter((h) => h.status === 'answered');
  return {
    from,
    to,
    answers: counts,
    declined: [...declined.values()].sort((a, b) => b.count - a.count).slice(0, DECLINED_SHOWN),
    feedback: [...votes.entries()]
      .map(([itemId, v]) => ({ itemId, ...v, helpfulRate: v.helpful / (v.helpful + v.unhelpful) }))
      .sort((a, b) => a.itemId.localeCompare(b.itemId)),
    handoffs: {
      made: handoffs.length,
      open: handoffs.length - answered.length,
      answered: answered.length,
      overdue: handoffs.filter((h) => stores.handoffs.isOverdue(h)).length,
      medianHoursToAnswer: median(answered.map((h) => ((h.repliedAt ?? h.createdAt) - h.createdAt) / 3_600_000)),
    },
  };
}

/** The report as text, for chat and the admin CLI. */
export function reportText(lang: Lang, r: Report, dateOf: (ms: number) => string): string {
  const { answered, clarify, unknown, out_of_scope: outOfScope } = r.answers;
  const lines = [
    say(lang, 'adminReport.heading', { from: dateOf(r.from), to: dateOf(r.to) }),
    say(lang, 'adminReport.answers', { answered, clarify, unknown, outOfScope }),
    say(lang, 'adminReport.declinedHeading'),
    ...(r.declined.length ? r.declined.map((d) => say(lang, 'adminReport.declinedLine', d)) : [say(lang, 'list.empty')]),
    say(lang, 'adminReport.feedbackHeading'),
    ...(r.feedback.length
      ? r.feedback.map((f) => say(lang, 'adminReport.feedbackLine', { ...f, rate: Math.round(100 * f.helpfulRate) }))
      : [say(lang, 'list.empty')]),
    say(lang, 'adminReport.handoffs', {
      made: r.handoffs.made,
      open: r.handoffs.open,
      overdue: r.handoffs.overdue,
      answered: r.handoffs.answered,
      median: r.handoffs.medianHoursToAnswer === null ? '—' : r.handoffs.medianHoursToAnswer.toFixed(1),
    }),
  ];
  return lines.join('\n');
}
