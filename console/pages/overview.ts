import { addDays } from '../../scheduler/clock';
import { type Handler, formatters, today } from './context';

const DAY_MS = 86_400_000;
const STATUSES = ['answered', 'clarify', 'unknown', 'out_of_scope'] as const;

/** What is due soon, what is overdue, how reminders fared this week, open hand-offs, answers per day. */
export const overview: Handler = async (ctx) => {
  const s = ctx.services;
  const now = s.clock.now();
  const day = today(ctx);
  const soon = addDays(day, 30);
  const { date } = formatters(ctx);
  const dueSoon = (await s.admin.milestoneRows()).filter(({ milestone: m }) => m.due >= day && m.due <= soon);
  const overdueByUnit = await s.milestones.overdueByUnit(day);
  const week = await s.outbox.countsByStatus(now - 7 * DAY_MS);
  const open = (await s.handoffs.openFor({ conversationId: '', isAdmin: true })) ?? [];
  const answers = await s.answers.between(now - 30 * DAY_MS, now);
  // One row per day of the last 30, oldest first, with the answers of each status that day.
  const days = Array.from({ length: 30 }, (_, i) => date(now - (29 - i) * DAY_MS));
  const series = Object.fromEntries(STATUSES.map((status) => [status, days.map(() => 0)]));
  for (const a of answers) {
    const i = days.indexOf(date(a.askedAt));
    if (i >= 0 && a.status in series) series[a.status][i] += 1;
  }
  return {
    view: 'overview',
    data: {
      dueSoon,
      overdueByUnit,
      week,
      openHandoffs: open.length,
      overdueHandoffs: open.filter((h) => s.handoffs.isOverdue(h)).length,
      chart: { kind: 'lines', x: days, series: STATUSES.map((status) => ({ key: status, values: series[status] })) },
      statuses: STATUSES,
    },
  };
};
