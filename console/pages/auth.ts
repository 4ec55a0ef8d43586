import { MIN_PASSWORD_CHARS } from '../../scheduler/accounts';
import { field, query } from '../http';
import { t } from '../texts';
import { type Handler, type PageContext, failed, ok } from './context';

/** Sign-in with a local account, the one-time set-password link, sign-out. */

const signInForm = (extra: Record<string, unknown> = {}, status = 200) => ({
  view: 'sign-in',
  data: { name: '', errors: {}, ...extra },
  status,
});

export const signInPage: Handler = async (ctx) => {
  if (ctx.session) return { redirect: '/admin' };
  const q = query(ctx.req);
  const notice = q.has('expired')
    ? failed(ctx, 'expired')
    : q.has('signed-out')
      ? ok(ctx, 'signedOut')
      : q.has('password-set')
        ? ok(ctx, 'passwordSet')
        : undefined;
  return signInForm({ notice });
};

export const signIn: Handler = async (ctx) => {
  const name = field(ctx.req, 'name').trim();
  const password = field(ctx.req, 'password');
  const errors: Record<string, string> = {};
  if (!name) errors.name = t(ctx.lang, 'required');
  if (!password) errors.password = t(ctx.lang, 'required');
  if (Object.keys(errors).length) return signInForm({ name, errors }, 400);
  const outcome = await ctx.services.accounts.signIn(name, password, ctx.client);
  if (outcome.kind === 'ok') {
    ctx.logger.info({ event: 'console_sign_in', user: outcome.user.name, role: outcome.user.role });
    return { redirect: '/admin', cookies: [await ctx.startSession(outcome.user.id)] };
  }
  // The name and the client are logged, never the password.
  ctx.logger.warn({ event: 'console_sign_in_failed', user: name, client: ctx.client, locked: outcome.kind === 'locked' });
  const notice = outcome.kind === 'locked' ? failed(ctx, 'locked', { minutes: outcome.retryInMinutes }) : failed(ctx, 'wrongPassword');
  return signInForm({ name, notice }, outcome.kind === 'locked' ? 429 : 401);
};

export const signOut: Handler = async (ctx) => ({ redirect: '/admin/sign-in?signed-out=1', cookies: [await ctx.endSession()] });

const setPasswordForm = async (ctx: PageContext, token: string, extra: Record<string, unknown> = {}, status = 200) => {
  const user = await ctx.services.accounts.linkUser(token);
  if (!user) return { view: 'message', data: { message: t(ctx.lang, 'linkInvalid') }, status: 404 };
  return { view: 'set-password', data: { token, who: user.name, min: MIN_PASSWORD_CHARS, errors: {}, ...extra }, status };
};

export const setPasswordPage: Handler = async (ctx) => setPasswordForm(ctx, query(ctx.req).get('token') ?? '');

export const setPassword: Handler = async (ctx) => {
  const token = field(ctx.req, 'token');
  const outcome = await ctx.services.accounts.setPassword(token, field(ctx.req, 'password'));
  if (outcome.kind === 'too-short')
    return setPasswordForm(ctx, token, { errors: { password: t(ctx.lang, 'passwordTooShort', { min: MIN_PASSWORD_CHARS }) } }, 400);
  if (outcome.kind === 'invalid-link') return { view: 'message', data: { message: t(ctx.lang, 'linkInvalid') }, status: 404 };
  return { redirect: '/admin/sign-in?password-set=1' };
};
