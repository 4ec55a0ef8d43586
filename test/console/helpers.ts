import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../db';
import { type TestServer, startTestServer } from '../support/server';

const run = promisify(execFile);
const tsx = path.join(__dirname, '../../node_modules/.bin/tsx');

export const PASSWORD = 'a long enough passphrase';

/** The admin CLI, as an operator runs it on the server's database; its stdout. */
export async function adminCli(dbFile: string, args: string[]): Promise<string> {
  const { stdout } = await run(tsx, [path.join(__dirname, '../../scheduler/cli/admin.ts'), ...args], {
    env: { ...process.env, DB_PATH: dbFile, LOG_LEVEL: 'silent' },
  });
  return stdout.trim();
}

/** `user add` through the CLI; the set-password link it printed. */
export async function addUser(dbFile: string, name: string, role: 'admin' | 'viewer'): Promise<string> {
  const link = (await adminCli(dbFile, ['user', 'add', name, '--role', role])).split('\n').pop()!;
  expect(link).toMatch(/^http:\/\/localhost:\d+\/admin\/set-password\?token=[\w-]{43}$/);
  return link;
}

export interface Page {
  status: number;
  html: string;
  location: string | null;
  setCookies: string[];
}

/** A browser's worth of state: cookies kept between requests, the page's CSRF token read from its forms. */
export class ConsoleClient {
  readonly jar = new Map<string, string>();
  csrf = '';

  constructor(readonly base: string) {}

  private async request(pathname: string, init: RequestInit = {}): Promise<Page> {
    const res = await fetch(`${this.base}${pathname}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair, ...attributes] = c.split(';');
      const [name, value] = pair.split('=');
      if (attributes.some((a) => a.trim() === 'Max-Age=0')) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const html = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html);
    if (csrf) this.csrf = csrf[1];
    return { status: res.status, html, location: res.headers.get('location'), setCookies };
  }

  get(pathname: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.request(pathname, { headers });
  }

  /** A form post, with the CSRF token of the last page unless the fields say otherwise. */
  post(pathname: string, fields: Record<string, string> = {}, { csrf = true, headers = {} } = {}): Promise<Page> {
    const body = new URLSearchParams({ ...(csrf ? { _csrf: this.csrf } : {}), ...fields });
    return this.request(pathname, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }

  postMultipart(pathname: string, form: FormData): Promise<Page> {
    form.set('_csrf', this.csrf);
    return this.request(pathname, { method: 'POST', body: form });
  }

  /** Follows a set-password link and sets the password. */
  async setPassword(link: string, password = PASSWORD): Promise<Page> {
    const url = new URL(link);
    await this.get(`${url.pathname}${url.search}`);
    return this.post('/admin/set-password', { token: url.searchParams.get('token')!, password });
  }

  async signIn(name: string, password = PASSWORD): Promise<Page> {
    await this.get('/admin/sign-in');
    return this.post('/admin/sign-in', { name, password });
  }
}

/** The server with an admin and a viewer, each with a password set through their link. */
export async function startConsoleServer(
  env: Record<string, string> = {},
): Promise<{ server: TestServer; admin: ConsoleClient; viewer: ConsoleClient }> {
  const server = await startTestServer({ SCHEDULER_ENABLED: 'false', ...env });
  const [adminLink, viewerLink] = await Promise.all([addUser(server.dbFile, 'alice', 'admin'), addUser(server.dbFile, 'victor', 'viewer')]);
  const admin = new ConsoleClient(server.url);
  const viewer = new ConsoleClient(server.url);
  await admin.setPassword(adminLink);
  await viewer.setPassword(viewerLink);
  expect((await admin.signIn('alice')).location).toBe('/admin');
  expect((await viewer.signIn('victor')).location).toBe('/admin');
  await admin.get('/admin');
  await viewer.get('/admin');
  return { server, admin, viewer };
}

/** The text of a page with its tags taken out, for what a person reads. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Rows read from the server's database through a connection of the test's own. */
export async function dbRows<T>(dbFile: string, sql: string, params: (string | number | null)[] = []): Promise<T[]> {
  const db = await openDatabase(dbFile, { create: false });
  try {
    return await db.all<T>(sql, params);
  } finally {
    await db.close();
  }
}

/** One statement written to the server's database, as another process would. */
export async function dbWrite(dbFile: string, sql: string, params: (string | number | null)[] = []): Promise<void> {
  const db = await openDatabase(dbFile, { create: false });
  try {
    await db.transaction(() => db.run(sql, params));
  } finally {
    await db.close();
  }
}
