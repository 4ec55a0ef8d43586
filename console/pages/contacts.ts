import type { ContactKind } from '../../scheduler/records';
import { field } from '../http';
import { t } from '../texts';
import { type Handler, type Notice, type PageContext, failed, formatters, idParam, ok } from './context';

/** Bound liaisons with when they were last heard from; invite codes (shown once); revoking a binding. */

async function contactsPage(
  ctx: PageContext,
  extra: {
    notice?: Notice;
    invite?: { code: string; expires: string; label: string };
    errors?: Record<string, string>;
    values?: Record<string, string>;
  } = {},
  status = 200,
) {
  return {
    view: 'contacts',
    data: {
      contacts: await ctx.services.contacts.directory(),
      fmt: formatters(ctx),
      invite: extra.invite,
      notice: extra.notice,
      errors: extra.errors ?? {},
      values: extra.values ?? { kind: 'unit', target: '', name: '' },
    },
    status,
  };
}

export const contactList: Handler = (ctx) => contactsPage(ctx);

const KINDS: Record<string, ContactKind> = { unit: 'unit', zone: 'zone', admin: 'admin' };

export const inviteCreate: Handler = async (ctx) => {
  const values = { kind: field(ctx.req, 'kind'), target: field(ctx.req, 'target'), name: field(ctx.req, 'name') };
  const kind = KINDS[values.kind];
  if (!kind) return contactsPage(ctx, { errors: { kind: t(ctx.lang, 'required') }, values }, 400);
  if (kind !== 'admin' && !values.target.trim()) return contactsPage(ctx, { errors: { target: t(ctx.lang, 'required') }, values }, 400);
  const outcome = await ctx.services.admin.invite(kind, values.target, values.name, ctx.actor);
  if (!outcome.ok) return contactsPage(ctx, { errors: { target: outcome.message(ctx.lang) }, values }, 400);
  // The code is in this response only: it is stored as a hash, and the page is not cached (no-store).
  return contactsPage(ctx, { invite: { code: outcome.code, expires: outcome.expires, label: outcome.label } });
};

export const contactRevoke: Handler = async (ctx) => {
  const id = idParam(ctx);
  const revoked = id === undefined ? null : await ctx.services.admin.revokeContact(id, ctx.actor);
  return revoked
    ? contactsPage(ctx, { notice: ok(ctx, 'revoked', { id: revoked.id }) })
    : contactsPage(ctx, { notice: failed(ctx, 'notFound') }, 404);
};
