import { query } from '../http';
import { type Handler, formatters } from './context';

/** Every change, newest first, a page at a time. */

const PAGE_ROWS = 100;

export const auditList: Handler = async (ctx) => {
  const before = query(ctx.req).get('before') ?? '';
  const entries = await ctx.services.audit.list({ limit: PAGE_ROWS, beforeId: /^\d+$/.test(before) ? Number(before) : undefined });
  return {
    view: 'audit',
    data: {
      entries,
      older: entries.length === PAGE_ROWS ? entries[entries.length - 1].id : undefined,
      fmt: formatters(ctx),
      json: (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value, null, 1)),
    },
  };
};
