import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type FakeConnector, type TestServer, message, post, startFakeConnector, startTestServer } from '../support/server';

const run = promisify(execFile);
const tsx = path.join(__dirname, '../../node_modules/.bin/tsx');

/** The admin and scheduler CLIs, run as an operator would, on the server's database. */
async function cli(script: string, args: string[], dbFile: string): Promise<string> {
  const { stdout } = await run(tsx, [path.join(__dirname, '../..', script), ...args], {
    env: { ...process.env, DB_PATH: dbFile, LOG_LEVEL: 'silent' },
  });
  return stdout.trim();
}

let server: TestServer;
let connector: FakeConnector;

beforeAll(async () => {
  connector = await startFakeConnector();
  // The server's own cron stays off: the test's tick, in another process, is the only sender.
  server = await startTestServer({ SCHEDULER_ENABLED: 'false', ADMIN_USER_IDS: 'admin-1' });
});
afterAll(async () => {
  await server.close();
  await connector.close();
});

const conversation = { id: 'liaison-chat' } as never;
const say = (text: string, from = { id: 'liaison-1', name: 'Liaison' }) =>
  post(`${server.url}/api/messages`, message(text, { conversation, from, serviceUrl: connector.serviceUrl }));
const textsPosted = () => connector.received.map((r) => r.activity.text ?? '');

test('a liaison binds in chat with a code, and a reminder seeded from the plan reaches that chat', async () => {
  const code = (await cli('scheduler/cli/admin.ts', ['invite', '--dept', '自然资源厅'], server.dbFile)).split('\n').pop()!;
  expect(await say(`绑定 ${code}`)).toMatchObject({ status: 200 });
  expect(textsPosted().at(-1)).toContain('省国土资源厅');

  // 4.3's 定期 land-use evaluation was seeded for the lead, 省国土资源厅, due at the half-year's end.
  const summary = JSON.parse(
    (await cli('bot/cli/scheduler.ts', ['tick', '--now', '2026-12-24T09:00:00+08:00'], server.dbFile)).split('\n').pop()!,
  );
  expect(summary.sent).toBeGreaterThan(0);
  const reminders = connector.received.filter((r) => r.path.includes('liaison-chat') && /4\.3/.test(r.activity.text ?? ''));
  expect(reminders.length).toBe(1);
  // In the language the liaison bound in.
  expect(reminders[0].activity.text).toMatch(/[\u4e00-\u9fff]{4}/);
  expect(reminders[0].activity.text).toContain('2026-12-31');

  // The same tick again sends nothing new.
  const again = JSON.parse(
    (await cli('bot/cli/scheduler.ts', ['tick', '--now', '2026-12-24T09:00:00+08:00'], server.dbFile)).split('\n').pop()!,
  );
  expect(again).toMatchObject({ enqueued: 0, sent: 0 });
});

test('any message from a bound chat, help included, keeps its address current for the reminders', async () => {
  // The channel moved the conversation to another service address (Teams does, between regions).
  const moved = `${connector.serviceUrl}/moved`;
  const help = message('help', { conversation, from: { id: 'liaison-1', name: 'Liaison' }, serviceUrl: moved });
  expect(await post(`${server.url}/api/messages`, help)).toMatchObject({ status: 200 });

  const before = connector.received.length;
  await cli('bot/cli/scheduler.ts', ['tick', '--now', '2027-06-24T09:00:00+08:00'], server.dbFile);
  const reminders = connector.received.slice(before).filter((r) => /4\.3/.test(r.activity.text ?? ''));
  expect(reminders.length).toBeGreaterThan(0);
  expect(reminders.every((r) => r.path.startsWith('/moved/v3/conversations/liaison-chat/'))).toBe(true);
});

test('a wrong code binds nobody, and admin commands are refused to other users', async () => {
  await say('绑定 not-a-real-code', { id: 'stranger', name: 'Stranger' });
  expect(textsPosted().at(-1)).not.toContain('省国土资源厅');
  await say('邀请 部门 省商务厅', { id: 'stranger', name: 'Stranger' });
  expect(textsPosted().at(-1)).toMatch(/管理员|admin/i);
});

test('an admin on this machine may use the admin commands in chat', async () => {
  await say('邀请 部门 省商务厅', { id: 'admin-1', name: 'Admin' });
  expect(textsPosted().at(-1)).toMatch(/[0-9a-z]{4,}-?/i);
  expect(textsPosted().at(-1)).toContain('省商务厅');
});
