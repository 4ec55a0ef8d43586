import { buildReport } from '../../scheduler/report';
import { field } from '../http';
import { t } from '../texts';
import { publishText, reassignText } from '../../scheduler/commands';
import { type Handler, type Notice, type PageContext, formatters } from './context';

/** Declined questions grouped, the votes per item, the hand-offs with their state; reassign, publish as FAQ. */

const DAY_MS = 86_400_000;
const HANDOFFS_SHOWN = 200;

async function questionsPage(ctx: PageContext, notice?: Notice, errors: Record<string, string> = {}, status = 200) {
  const s = ctx.services;
  const now = s.clock.now();
  const report = await buildReport(s, now - 30 * DAY_MS, now);
  const handoffs = (await s.handoffs.between(0, now)).reverse().slice(0, HANDOFFS_SHOWN);
  return {
    view: 'questions',
    data: {
      report,
      handoffs: handoffs.map((h) => ({ ...h, overdue: s.handoffs.isOverdue(h) })),
      fmt: formatters(ctx),
      notice,
      errors,
    },
    status,
  };
}

export const questionList: Handler = (ctx) => questionsPage(ctx);

const refOf = (ctx: PageContext) => (ctx.req.params as Record<string, string>).ref ?? '';

export const handoffReassign: Handler = async (ctx) => {
  const ref = refOf(ctx);
  const unit = field(ctx.req, 'unit');
  if (!unit.trim()) return questionsPage(ctx, undefined, { [ref]: t(ctx.lang, 'required') }, 400);
  const outcome = await ctx.services.admin.reassignHandoff(ref, unit, ctx.actor);
  const text = reassignText(ctx.lang, ref, outcome);
  if (outcome.kind === 'reassigned') return questionsPage(ctx, { kind: 'ok', text });
  return questionsPage(ctx, undefined, { [ref]: text }, outcome.kind === 'unknown' ? 404 : 400);
};

export const faqPublish: Handler = async (ctx) => {
  const ref = refOf(ctx);
  const outcome = await ctx.services.admin.publishFaq(ref, ctx.actor);
  const text = publishText(ctx.lang, outcome);
  if (outcome.kind === 'published') return questionsPage(ctx, { kind: 'ok', text });
  return questionsPage(ctx, undefined, { [ref]: text }, outcome.kind === 'unknown' ? 404 : 409);
};
