import type { Logger } from 'pino';
import type { Request } from 'restify';
import type { Actor } from '../../db';
import { localDate, localDateTime } from '../../scheduler/clock';
import type { Services } from '../../scheduler/services';
import type { Session } from '../sessions';
import { type ConsoleLang, type TextKey, t } from '../texts';

/** What a page handler is given: the request, who is signed in, the shared services. */
export interface PageContext {
  req: Request;
  lang: ConsoleLang;
  services: Services;
  session: Session | undefined;
  /** Who the audit log names for a change made here. */
  actor: Actor;
  client: string;
  logger: Logger;
  /** Signs the user in: the Set-Cookie header of the new session. */
  startSession(userId: number): Promise<string>;
  /** Signs out: the Set-Cookie header that clears the session's cookie. */
  endSession(): Promise<string>;
}

/** A page to render (a template and its data), or where to go next. */
export type PageResult =
  { view: string; data: Record<string, unknown>; status?: number; cookies?: string[] } | { redirect: string; cookies?: string[] };

export type Handler = (ctx: PageContext) => Promise<PageResult>;

/** A notice shown at the top of a page: what just happened, or why nothing did. */
export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

export const ok = (ctx: PageContext, key: TextKey, values?: Record<string, string | number>): Notice => ({
  kind: 'ok',
  text: t(ctx.lang, key, values),
});
export const failed = (ctx: PageContext, key: TextKey, values?: Record<string, string | number>): Notice => ({
  kind: 'error',
  text: t(ctx.lang, key, values),
});

/** Dates and times as the scheduler writes them, in its time zone. */
export function formatters(ctx: PageContext): { date: (ms: number | null) => string; time: (ms: number | null) => string } {
  const tz = ctx.services.config.timeZone;
  return {
    date: (ms) => (ms === null ? '—' : localDate(ms, tz)),
    time: (ms) => (ms === null ? '—' : localDateTime(ms, tz)),
  };
}

/** A route's `:id` as a positive whole number, or undefined. */
export function idParam(ctx: PageContext, name = 'id'): number | undefined {
  const raw = (ctx.req.params as Record<string, string | undefined>)[name] ?? '';
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

export function today(ctx: PageContext): string {
  return localDate(ctx.services.clock.now(), ctx.services.config.timeZone);
}
