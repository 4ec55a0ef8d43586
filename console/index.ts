import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Eta } from 'eta';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import type { Actor } from '../db';
import { projectPath } from '../knowledge';
import type { Services } from '../scheduler/services';
import { clientOf, cookieHeader, cookies, field, formBody, isHttps, query, redirect, sameSecret, sendHtml } from './http';
import { PAGES, type PageContext, type PageResult } from './pages';
import { type Session, SessionStore } from './sessions';
import type { ConsoleSettings } from './settings';
import { type ConsoleLang, TEXTS, t } from './texts';

/**
 * The administrators' console at /admin: server-rendered pages (eta, escaping everything it
 * writes) over the same functions the admin CLI and the chat commands call (scheduler/admin.ts
 * and the stores). This file is the door: who is signed in, what they may do, which page answers.
 */

export { readConsoleSettings } from './settings';
export type { ConsoleSettings } from './settings';

export interface ConsoleOptions {
  services: Services;
  settings: ConsoleSettings;
  logger: Logger;
  /** Behind a reverse proxy: the client and HTTPS are as the proxy says (X-Forwarded-For, -Proto). */
  trustProxy: boolean;
}

const SESSION_COOKIE = 'edz_admin_session';
/** Before sign-in there is no session to hold a CSRF token: the sign-in and set-password forms double-submit this cookie. */
const FORM_COOKIE = 'edz_admin_form';
const LANG_COOKIE = 'edz_admin_lang';

const VIEWS = projectPath('console', 'views');
const STATIC: Record<string, { file: string; type: string }> = {
  'console.css': { file: projectPath('console', 'public', 'console.css'), type: 'text/css; charset=utf-8' },
  'console.js': { file: projectPath('console', 'public', 'console.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { file: path.join(path.dirname(require.resolve('uplot')), 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': {
    file: path.join(path.dirname(require.resolve('uplot')), 'uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
};

/** Where a page may be reached without signing in. */
const PUBLIC_PAGES = new Set(['sign-in', 'set-password']);

export function registerConsole(server: Server, { services, settings, logger, trustProxy }: ConsoleOptions): void {
  const eta = new Eta({ views: VIEWS, autoEscape: true, cache: true, autoTrim: false });
  const sessions = new SessionStore(services.db, () => services.clock.now(), {
    idleMs: settings.sessionIdleMs,
    absoluteMs: settings.sessionAbsoluteMs,
  });
  const files = new Map(Object.entries(STATIC).map(([name, { file, type }]) => [name, { body: fs.readFileSync(file), type }]));

  server.get('/admin/static/:file', async (req: Request, res: Response) => {
    const file = files.get((req.params as Record<string, string>).file);
    if (!file) {
      res.send(404, { code: 'NotFound', message: 'no such file' });
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': file.body.length,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(file.body);
  });

  const handle = (method: 'GET' | 'POST', page: string) => async (req: Request, res: Response) => {
    const secure = isHttps(req, trustProxy);
    const jar = cookies(req);
    const lang = langOf(req, jar);
    const setCookies: string[] = [];
    if (query(req).has('lang')) setCookies.push(cookieHeader(LANG_COOKIE, lang, { secure, maxAge: 365 * 86_400 }));

    const token = jar.get(SESSION_COOKIE);
    const resumed = token ? await sessions.resume(token, (id) => services.accounts.byId(id)) : undefined;
    const session = typeof resumed === 'object' ? resumed : undefined;
    if (resumed === 'expired') setCookies.push(cookieHeader(SESSION_COOKIE, '', { secure, maxAge: 0 }));

    const render = (result: PageResult, status = 200) => {
      if ('redirect' in result) {
        redirect(res, result.redirect, { 'Set-Cookie': [...setCookies, ...(result.cookies ?? [])] });
        return;
      }
      const formToken = jar.get(FORM_COOKIE) ?? crypto.randomBytes(24).toString('base64url');
      if (!jar.has(FORM_COOKIE)) setCookies.push(cookieHeader(FORM_COOKIE, formToken, { secure }));
      const html = eta.render(result.view, {
        ...result.data,
        lang,
        t: (key: keyof (typeof TEXTS)['zh'], values?: Record<string, string | number>) => t(lang, key, values),
        page,
        user: session?.user,
        csrf: session?.csrf ?? formToken,
        canChange: session?.user.role === 'admin',
        otherLang: lang === 'zh' ? 'en' : 'zh',
        path: req.path(),
      });
      sendHtml(res, result.status ?? status, html, { 'Set-Cookie': [...setCookies, ...(result.cookies ?? [])] });
    };
    const refuse = (status: number, message: keyof (typeof TEXTS)['zh']) =>
      render({ view: 'message', data: { message: t(lang, message) }, status });

    try {
      if (!PUBLIC_PAGES.has(page) && !session) {
        // A page is sent to sign-in; a change or an API call is refused outright.
        if (method === 'GET') return render({ redirect: `/admin/sign-in${resumed === 'expired' ? '?expired=1' : ''}` });
        return refuse(401, resumed === 'expired' ? 'expired' : 'signInTitle');
      }
      if (method === 'POST') {
        if (session && session.user.role !== 'admin' && page !== 'sign-out') return refuse(403, 'forbidden');
        const expected = session?.csrf ?? jar.get(FORM_COOKIE);
        if (!sameSecret(field(req, '_csrf'), expected)) return refuse(403, 'csrf');
      }
      const ctx: PageContext = {
        req,
        lang,
        services,
        session,
        actor: session ? consoleActor(session) : { source: 'console', name: 'anonymous' },
        client: clientOf(req, trustProxy),
        logger,
        startSession: async (userId: number) => {
          const started = await sessions.start(userId);
          return cookieHeader(SESSION_COOKIE, started.token, { secure });
        },
        endSession: async () => {
          if (session) await sessions.end(session.key);
          return cookieHeader(SESSION_COOKIE, '', { secure, maxAge: 0 });
        },
      };
      const handler = PAGES[page]?.[method];
      if (!handler) return refuse(404, 'notFound');
      render(await handler(ctx));
    } catch (err) {
      logger.error({ event: 'console_error', page, err });
      if (!res.headersSent) sendHtml(res, 500, '<!doctype html><title>500</title><p>Internal error / 内部错误</p>');
    }
  };

  const body = formBody();
  for (const [page, methods] of Object.entries(PAGES)) {
    const route = page === 'overview' ? '/admin' : `/admin/${page}`;
    if (methods.GET) server.get(route, handle('GET', page));
    if (methods.POST) server.post(route, ...body, handle('POST', page));
  }
  // Anything else under /admin: the same door (sign-in first), then 404.
  server.get('/admin/*', handle('GET', 'not-found'));
  server.post('/admin/*', ...body, handle('POST', 'not-found'));
}

function consoleActor(session: Session): Actor {
  return { source: 'console', name: session.user.name };
}

function langOf(req: Request, jar: Map<string, string>): ConsoleLang {
  const asked = query(req).get('lang') ?? jar.get(LANG_COOKIE);
  return asked === 'en' ? 'en' : 'zh';
}
