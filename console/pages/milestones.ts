import { MilestoneError } from '../../scheduler/milestones';
import { replies } from '../../scheduler/messages';
import type { Audience, Milestone } from '../../scheduler/records';
import { field, query } from '../http';
import { t } from '../texts';
import { type Handler, type Notice, type PageContext, failed, formatters, idParam, ok, today } from './context';

/** The milestones with filters; add, edit and remove through the CLI's functions and checks. */

interface Filters {
  item: string;
  unit: string;
  status: 'open' | 'done' | 'all';
  overdue: boolean;
}

function filtersOf(ctx: PageContext): Filters {
  const q = query(ctx.req);
  const status = q.get('status');
  return {
    item: (q.get('item') ?? '').trim(),
    unit: (q.get('unit') ?? '').trim(),
    status: status === 'done' || status === 'all' ? status : 'open',
    overdue: q.get('overdue') === '1',
  };
}

async function listPage(
  ctx: PageContext,
  extra: { notice?: Notice; errors?: Record<string, string>; values?: Record<string, string> } = {},
  status = 200,
) {
  const s = ctx.services;
  const f = filtersOf(ctx);
  const day = today(ctx);
  const rows = (await s.admin.milestoneRows(true)).filter(
    ({ milestone: m, units }) =>
      m.status !== 'removed' &&
      (f.status === 'all' || m.status === f.status) &&
      (!f.item || m.itemId === f.item.toUpperCase()) &&
      (!f.unit || units.some((u) => u.includes(f.unit))) &&
      (!f.overdue || (m.status === 'open' && m.due < day)),
  );
  return {
    view: 'milestones',
    data: {
      rows,
      filters: f,
      today: day,
      items: s.plan.items.map((i) => i.id),
      errors: extra.errors ?? {},
      values: extra.values ?? { itemId: '', due: '', title: '', audience: 'lead' },
      notice: extra.notice,
    },
    status,
  };
}

export const milestoneList: Handler = (ctx) => listPage(ctx);

/** The form's fields, as typed. */
function inputOf(ctx: PageContext): Record<'itemId' | 'due' | 'title' | 'audience', string> {
  return {
    itemId: field(ctx.req, 'itemId'),
    due: field(ctx.req, 'due'),
    title: field(ctx.req, 'title'),
    audience: field(ctx.req, 'audience') || 'lead',
  };
}

/** The scheduler's own check, said beside the field it is about. */
function fieldErrors(ctx: PageContext, err: MilestoneError): Record<string, string> {
  const text = replies.milestoneProblem(ctx.lang, err.problem, err.detail);
  const fieldOf = { 'unknown-item': 'itemId', 'bad-date': 'due', 'empty-title': 'title', 'not-found': 'id' } as const;
  return { [fieldOf[err.problem]]: text };
}

function audienceError(ctx: PageContext, audience: string): Record<string, string> | undefined {
  return audience === 'lead' || audience === 'all' ? undefined : { audience: `${t(ctx.lang, 'audience')}: lead / all` };
}

export const milestoneAdd: Handler = async (ctx) => {
  const values = inputOf(ctx);
  const missing = Object.fromEntries(
    (['itemId', 'due', 'title'] as const).filter((k) => !values[k].trim()).map((k) => [k, t(ctx.lang, 'required')]),
  );
  const errors = { ...missing, ...audienceError(ctx, values.audience) };
  if (Object.keys(errors).length) return listPage(ctx, { errors, values }, 400);
  try {
    const m = await ctx.services.admin.addMilestone(
      { itemId: values.itemId, due: values.due, title: values.title, audience: values.audience as Audience },
      ctx.actor,
    );
    return listPage(ctx, { notice: ok(ctx, 'milestoneAdded', { id: m.id }) });
  } catch (err) {
    if (err instanceof MilestoneError) return listPage(ctx, { errors: fieldErrors(ctx, err), values }, 400);
    throw err;
  }
};

async function detailPage(
  ctx: PageContext,
  m: Milestone,
  extra: { notice?: Notice; errors?: Record<string, string>; values?: Record<string, string> } = {},
  status = 200,
) {
  const s = ctx.services;
  return {
    view: 'milestone',
    data: {
      m,
      states: await s.milestones.unitStates(m),
      values: extra.values ?? { itemId: m.itemId, due: m.due, title: m.title, audience: m.audience },
      errors: extra.errors ?? {},
      notice: extra.notice,
      fmt: formatters(ctx),
    },
    status,
  };
}

const notFound = (ctx: PageContext) => ({ view: 'message', data: { message: t(ctx.lang, 'notFound') }, status: 404 });

export const milestoneDetail: Handler = async (ctx) => {
  const id = idParam(ctx);
  const m = id === undefined ? null : await ctx.services.milestones.get(id);
  return m && m.status !== 'removed' ? detailPage(ctx, m) : notFound(ctx);
};

export const milestoneEdit: Handler = async (ctx) => {
  const id = idParam(ctx);
  const m = id === undefined ? null : await ctx.services.milestones.get(id);
  if (!m || m.status === 'removed') return notFound(ctx);
  const values = inputOf(ctx);
  const badAudience = audienceError(ctx, values.audience);
  if (badAudience) return detailPage(ctx, m, { errors: badAudience, values }, 400);
  try {
    const changed = await ctx.services.admin.editMilestone(
      m.id,
      { itemId: values.itemId, due: values.due, title: values.title, audience: values.audience as Audience },
      ctx.actor,
    );
    return detailPage(ctx, changed, { notice: ok(ctx, 'milestoneChanged', { id: m.id }) });
  } catch (err) {
    if (err instanceof MilestoneError) return detailPage(ctx, m, { errors: fieldErrors(ctx, err), values }, 400);
    throw err;
  }
};

export const milestoneRemove: Handler = async (ctx) => {
  const id = idParam(ctx);
  if (id === undefined) return notFound(ctx);
  try {
    await ctx.services.admin.removeMilestone(id, ctx.actor);
    return listPage(ctx, { notice: ok(ctx, 'milestoneRemoved', { id }) });
  } catch (err) {
    if (err instanceof MilestoneError) return listPage(ctx, { notice: failed(ctx, 'notFound') }, 404);
    throw err;
  }
};
