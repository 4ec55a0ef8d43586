import { PAGES } from '../../console/pages';
import type { TestServer } from '../support/server';
import { startConversation } from '../web/helpers';
import { ConsoleClient, PASSWORD, addUser, startConsoleServer, textOf, dbRows, dbWrite } from './helpers';

let server: TestServer;
let admin: ConsoleClient;
let viewer: ConsoleClient;

beforeAll(async () => {
  // The scheduler's settings (the lockout's among them) are read from the process's environment.
  process.env.ADMIN_LOGIN_MAX_FAILURES = '3';
  ({ server, admin, viewer } = await startConsoleServer({ WEBCHAT_SECRET: 'console-tests-secret-0123456789abcdef' }));
});
afterAll(async () => {
  delete process.env.ADMIN_LOGIN_MAX_FAILURES;
  await server.close();
});

/** Every route of the console with its parameters filled in. */
const ROUTES = Object.entries(PAGES).flatMap(([page, methods]) => {
  const path = page === 'overview' ? '/admin' : `/admin/${page.replace(':id', '1').replace(':ref', 'Q-2026-0001')}`;
  return Object.keys(methods).map((method) => ({ method, path }));
});
const SIGNED_IN_ONLY = ROUTES.filter((r) => !/\/admin\/(sign-in|set-password)$/.test(r.path));

const query = <T>(sql: string, params: (string | number | null)[] = []) => dbRows<T>(server.dbFile, sql, params);
const write = (sql: string, params: (string | number | null)[] = []) => dbWrite(server.dbFile, sql, params);

describe('without a session', () => {
  test.each(SIGNED_IN_ONLY.map((r) => [r.method, r.path] as const))(
    '%s %s: a page sends to sign-in, a change is refused with 401',
    async (method, path) => {
      const anonymous = new ConsoleClient(server.url);
      const page = method === 'GET' ? await anonymous.get(path) : await anonymous.post(path, { _csrf: 'x' });
      if (method === 'GET') {
        expect(page.status).toBe(303);
        expect(page.location).toBe('/admin/sign-in');
      } else {
        expect(page.status).toBe(401);
      }
    },
  );

  test('an unknown path under /admin is behind the same door, and 404 once signed in', async () => {
    expect((await new ConsoleClient(server.url).get('/admin/nothing/here')).location).toBe('/admin/sign-in');
    expect((await admin.get('/admin/nothing/here')).status).toBe(404);
  });

  test("the web chat's token opens no admin page or action", async () => {
    const chat = await startConversation(server);
    const anonymous = new ConsoleClient(server.url);
    const bearer = { authorization: `Bearer ${chat.token}` };
    expect((await anonymous.get('/admin', bearer)).location).toBe('/admin/sign-in');
    expect((await anonymous.get(`/admin/contacts?token=${encodeURIComponent(chat.token)}`)).location).toBe('/admin/sign-in');
    expect((await anonymous.post('/admin/contacts/invite', { kind: 'admin' }, { headers: bearer })).status).toBe(401);
    // Not even with the token as a session cookie.
    anonymous.jar.set('edz_admin_session', chat.token);
    expect((await anonymous.get('/admin')).location).toBe('/admin/sign-in');
  });
});

describe('a signed-in admin', () => {
  test('the session cookie is HttpOnly, SameSite=Strict, for /admin only; not Secure over plain HTTP, whatever an untrusted X-Forwarded-Proto says', async () => {
    const link = await addUser(server.dbFile, 'cookie-check', 'viewer');
    const client = new ConsoleClient(server.url);
    await client.setPassword(link);
    await client.get('/admin/sign-in');
    const plain = await client.post(
      '/admin/sign-in',
      { name: 'cookie-check', password: PASSWORD },
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    const cookie = plain.setCookies.find((c) => c.startsWith('edz_admin_session='))!;
    expect(cookie).toMatch(/; Path=\/admin; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain('Secure');
  });

  test('a change without the CSRF token, or with a wrong one, is refused with 403 and changes nothing', async () => {
    await admin.get('/admin/milestones');
    const before = await query<{ n: number }>('SELECT COUNT(*) AS n FROM sch_milestones');
    const fields = { itemId: '4.3', due: '2027-06-30', title: 'CSRF probe', audience: 'lead' };
    expect((await admin.post('/admin/milestones', fields, { csrf: false })).status).toBe(403);
    expect((await admin.post('/admin/milestones', { ...fields, _csrf: 'not-the-token' }, { csrf: false })).status).toBe(403);
    expect(await query('SELECT COUNT(*) AS n FROM sch_milestones')).toEqual(before);
  });

  test('sign-out ends the session: its cookie no longer opens a page', async () => {
    const link = await addUser(server.dbFile, 'leaving', 'admin');
    const client = new ConsoleClient(server.url);
    await client.setPassword(link);
    await client.signIn('leaving');
    const cookie = client.jar.get('edz_admin_session')!;
    expect((await client.get('/admin')).status).toBe(200);
    expect((await client.post('/admin/sign-out')).location).toBe('/admin/sign-in?signed-out=1');
    const replay = new ConsoleClient(server.url);
    replay.jar.set('edz_admin_session', cookie);
    expect((await replay.get('/admin')).location).toBe('/admin/sign-in');
  });

  test('a session idle past its limit, or past its absolute limit, is signed out', async () => {
    const link = await addUser(server.dbFile, 'sleepy', 'admin');
    const client = new ConsoleClient(server.url);
    await client.setPassword(link);
    await client.signIn('sleepy');
    expect((await client.get('/admin')).status).toBe(200);
    const [{ user_id }] = await query<{ user_id: number }>("SELECT id AS user_id FROM adm_users WHERE name = 'sleepy'");
    // 31 minutes without a request (the idle limit is 30).
    await write('UPDATE adm_sessions SET seen_at = seen_at - ? WHERE user_id = ?', [31 * 60_000, user_id]);
    const idle = await client.get('/admin');
    expect(idle.location).toBe('/admin/sign-in?expired=1');
    expect(idle.setCookies.some((c) => c.startsWith('edz_admin_session=;') && c.includes('Max-Age=0'))).toBe(true);
    expect(await query('SELECT * FROM adm_sessions WHERE user_id = ?', [user_id])).toEqual([]);
    expect(textOf((await client.get('/admin/sign-in?expired=1')).html)).toContain('会话已过期，请重新登录。');

    await client.signIn('sleepy');
    // Used a minute ago, but signed in 13 hours ago (the absolute limit is 12).
    await write('UPDATE adm_sessions SET created_at = created_at - ? WHERE user_id = ?', [13 * 3_600_000, user_id]);
    expect((await client.get('/admin')).location).toBe('/admin/sign-in?expired=1');
  });
});

describe('a viewer', () => {
  test('reads every page', async () => {
    for (const { path } of SIGNED_IN_ONLY.filter((r) => r.method === 'GET'))
      expect([path, (await viewer.get(path)).status]).toEqual([path, 200]);
  });

  test('is refused every change with 403, and nothing is stored', async () => {
    await viewer.get('/admin/milestones');
    const before = await query<{ n: number }>('SELECT COUNT(*) AS n FROM sch_milestones');
    const page = await viewer.post('/admin/milestones', { itemId: '4.3', due: '2027-06-30', title: 'viewer probe', audience: 'lead' });
    expect(page.status).toBe(403);
    expect(textOf(page.html)).toContain('只读账号不能修改数据。');
    expect(await query('SELECT COUNT(*) AS n FROM sch_milestones')).toEqual(before);
    for (const { path } of SIGNED_IN_ONLY.filter((r) => r.method === 'POST' && r.path !== '/admin/sign-out'))
      expect([path, (await viewer.post(path)).status]).toEqual([path, 403]);
    expect(textOf((await viewer.get('/admin/milestones')).html)).not.toContain('添加');
  });
});

describe('local accounts', () => {
  test('a set-password link sets a password of at least 12 characters, once', async () => {
    const link = await addUser(server.dbFile, 'newcomer', 'admin');
    const client = new ConsoleClient(server.url);
    const short = await client.setPassword(link, 'short-pw');
    expect(short.status).toBe(400);
    expect(textOf(short.html)).toContain('密码至少需要 12 个字符。');
    expect((await client.setPassword(link)).location).toBe('/admin/sign-in?password-set=1');
    const again = await client.setPassword(link, 'another long passphrase');
    expect(again.status).toBe(404);
    expect((await client.signIn('newcomer', 'another long passphrase')).status).toBe(401);
    expect((await client.signIn('newcomer')).location).toBe('/admin');
    const [row] = await query<{ password_hash: string }>("SELECT password_hash FROM adm_users WHERE name = 'newcomer'");
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  test('a name is locked after the configured failures, even for the right password; failures are logged without it', async () => {
    const link = await addUser(server.dbFile, 'target', 'admin');
    await new ConsoleClient(server.url).setPassword(link);
    const attacker = new ConsoleClient(server.url);
    for (const guess of ['guess-number-one', 'guess-number-two', 'guess-number-three']) {
      const page = await attacker.signIn('target', guess);
      expect(page.status).toBe(401);
      expect(textOf(page.html)).toContain('用户名或密码不正确。');
    }
    const locked = await attacker.signIn('target');
    expect(locked.status).toBe(429);
    expect(textOf(locked.html)).toContain('该账号已暂时锁定，请在 15 分钟后再试');
    expect(locked.setCookies.some((c) => c.startsWith('edz_admin_session='))).toBe(false);

    const failures = await query<{ name: string; client: string }>("SELECT name, client FROM adm_login_failures WHERE name = 'target'");
    expect(failures).toHaveLength(3);
    for (const f of failures) expect(f).toEqual({ name: 'target', client: expect.stringMatching(/127\.0\.0\.1$/) });
    const logged = server.logs.lines.join('\n');
    expect(logged).toContain('console_sign_in_failed');
    for (const secret of ['guess-number-one', 'guess-number-two', 'guess-number-three', PASSWORD]) expect(logged).not.toContain(secret);
    // Another name is not locked by these failures.
    expect((await new ConsoleClient(server.url).signIn('alice')).location).toBe('/admin');
  });
});

describe('stored HTML is shown as text', () => {
  const SCRIPT = '<script>document.title="owned"</script><img src=x onerror=alert(1)>';

  test('in a milestone title, an unknown unit typed in a form, and a question handed off', async () => {
    await admin.get('/admin/milestones');
    expect((await admin.post('/admin/milestones', { itemId: '4.3', due: '2027-06-30', title: SCRIPT, audience: 'lead' })).status).toBe(200);
    await admin.get('/admin/contacts');
    const invite = await admin.post('/admin/contacts/invite', { kind: 'unit', target: SCRIPT, name: '' });
    expect(invite.status).toBe(400);
    await write(
      `INSERT INTO kb_answers (id, conversation_id, question, lang, intent, status, item_ids, channel, asked_at) VALUES ('html-1', 'c', ?, 'zh', 'what', 'unknown', '', 'test', ?)`,
      [SCRIPT, Date.now()],
    );
    for (const page of [await admin.get('/admin/milestones'), invite, await admin.get('/admin/questions')]) {
      expect(page.html).not.toContain('<script>document.title');
      expect(page.html).not.toContain('<img src=x');
      expect(page.html).toContain('&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt;');
    }
  });

  test('in a CSV cell, in the preview', async () => {
    await admin.get('/admin/assessments');
    const form = new FormData();
    form.set(
      'csv',
      new Blob(['year,zone,level,score\n2026,<img src=x onerror=alert(1)>开发区,省级,80\n2026,乙开发区,省级,70\n']),
      'results.csv',
    );
    const page = await admin.postMultipart('/admin/assessments/preview', form);
    expect([page.status, textOf(page.html)]).toEqual([200, expect.stringContaining('文件检查通过')]);
    expect(page.html).not.toContain('<img src=x');
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
