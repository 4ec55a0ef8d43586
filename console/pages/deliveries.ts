import type { OutboxStatus } from '../../scheduler/records';
import { query } from '../http';
import { type Handler, type Notice, type PageContext, failed, formatters, idParam, ok } from './context';

/** The outbox by status; a dead row shows why and can be retried (the same row again) or cancelled. */

const STATUSES: readonly OutboxStatus[] = ['dead', 'pending', 'sending', 'sent', 'cancelled'];
const PAGE_ROWS = 100;

async function deliveriesPage(ctx: PageContext, notice?: Notice, status = 200) {
  const q = query(ctx.req);
  const shown = STATUSES.find((x) => x === q.get('status')) ?? 'dead';
  const before = /^\d+$/.test(q.get('before') ?? '') ? Number(q.get('before')) : undefined;
  const rows = await ctx.services.outbox.list(shown, PAGE_ROWS, before);
  return {
    view: 'deliveries',
    data: {
      counts: await ctx.services.outbox.countsByStatus(),
      statuses: STATUSES,
      shown,
      rows,
      older: rows.length === PAGE_ROWS ? rows[rows.length - 1].id : undefined,
      fmt: formatters(ctx),
      notice,
    },
    status,
  };
}

export const deliveryList: Handler = (ctx) => deliveriesPage(ctx);

export const deliveryRetry: Handler = async (ctx) => {
  const id = idParam(ctx);
  const retried = id !== undefined && (await ctx.services.admin.retryDelivery(id, ctx.actor));
  return retried
    ? deliveriesPage(ctx, ok(ctx, 'retried', { id: id }))
    : deliveriesPage(ctx, failed(ctx, 'notRetriable', { id: id ?? '?' }), 409);
};

export const deliveryCancel: Handler = async (ctx) => {
  const id = idParam(ctx);
  const cancelled = id !== undefined && (await ctx.services.admin.cancelDelivery(id, ctx.actor));
  return cancelled
    ? deliveriesPage(ctx, ok(ctx, 'cancelledOne', { id: id }))
    : deliveriesPage(ctx, failed(ctx, 'notCancellable', { id: id ?? '?' }), 409);
};
