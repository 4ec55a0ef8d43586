import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import restify from 'restify';
import { jsonBody } from '../../bot/body';
import { CONNECTOR_ROOT } from '../../bot/web/connector';
import { deriveKeys } from '../../bot/web/tokens';
import { FakeConnector } from '../scheduler/fakeConnector';
import { captureLogs } from '../support/logs';
import { World, buildKnowledge, tempDir } from '../scheduler/world';

/**
 * The server as `npm start` runs it, everything it writes on stdout and stderr captured, while
 * secrets pass through its normal and its failing paths: none of them may be in the logs.
 */

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '../..');
const WEBCHAT_SECRET = 'PLANTED-WEBCHAT-SECRET-0123456789abcdef';
const APP_PASSWORD = 'PLANTED-APP-PASSWORD-5f3e';
const QUESTION = '谁牵头土地任务？PLANTED-QUESTION-TEXT';
const BEARER = 'eyPLANTED.BEARER.TOKEN';

interface Running {
  url: string;
  output: string[];
  stop(): Promise<void>;
}

/** `node bot/index.ts` with `env`, until its `listening` line; every line it writes is kept. */
function startServer(dbPath: string, env: Record<string, string>): Promise<Running> {
  const child: ChildProcess = spawn(process.execPath, ['--disable-warning=DEP0111', '--require', 'tsx/cjs', 'bot/index.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DB_PATH: dbPath,
      WEBCHAT_SECRET,
      SCHEDULER_ENABLED: 'false',
      ...env,
    },
  });
  const output: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output.join('\n')}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const url = /"event":"listening","url":"([^"]+)"/.exec(line)?.[1];
      if (!url) return;
      child.removeAllListeners('exit');
      const stop = () => new Promise<void>((done) => child.once('exit', () => done()).kill('SIGTERM'));
      resolve({ url, output, stop });
    });
  });
}

const send = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body }).then(async (res) => ({
    status: res.status,
    text: await res.text(),
  }));

/** Opens the page's event stream and reads what is there within a moment. */
async function peekStream(url: string): Promise<void> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  setTimeout(() => abort.abort(), 300);
  await res.text().catch(() => undefined);
}

/** The page's API: a conversation, questions, a binding, a reminder, and every way to get them wrong. */
async function exercise(server: Running, dir: string): Promise<string[]> {
  const api = `${server.url}/webchat/api/conversations`;
  const { conversationId, token } = JSON.parse((await send(api, '{}')).text) as { conversationId: string; token: string };
  const auth = { Authorization: `Bearer ${token}` };
  const activities = `${api}/${conversationId}/activities`;
  const world = await World.open({ now: new Date().toISOString(), dir });
  const code = await world.invite('部门 自然资源厅');
  await world.close();
  const connectorKey = deriveKeys(WEBCHAT_SECRET).connectorKey;
  const connector = `${server.url}${CONNECTOR_ROOT}/${connectorKey}/v3/conversations/${conversationId}/activities`;
  const statuses = [
    (await send(activities, JSON.stringify({ type: 'message', text: QUESTION }), auth)).status,
    (await send(activities, JSON.stringify({ type: 'message', text: `bind ${code.replace(/.$/, 'X')}` }), auth)).status, // a wrong code
    (await send(activities, JSON.stringify({ type: 'message', text: `bind ${code}` }), auth)).status,
    (await send(connector, JSON.stringify({ type: 'message', text: `【提醒】${QUESTION}` }))).status,
    (await send(activities, `{"type":"message","text":"${QUESTION}","value":${'['.repeat(5_000)}${']'.repeat(5_000)}}`, auth)).status,
    (await send(activities, `{"type":"message","text":"${QUESTION}`, auth)).status,
    (await send(activities, JSON.stringify({ type: 'message', text: QUESTION.repeat(6_500) }), auth)).status,
    (await send(activities, JSON.stringify({ type: 'message', text: QUESTION }), { Authorization: `Bearer ${BEARER}` })).status,
    (await send(`${api}/web-0123456789abcdef0123456789abcdef/activities`, JSON.stringify({ type: 'message', text: QUESTION }), auth))
      .status,
    (await send(`${server.url}${CONNECTOR_ROOT}/${connectorKey}x/v3/conversations/${conversationId}/activities`, '{"type":"message"}'))
      .status,
    (
      await send(
        `${server.url}/api/messages`,
        JSON.stringify({
          type: 'message',
          text: QUESTION,
          channelId: 'test',
          from: { id: 'u' },
          conversation: { id: 'c' },
          deliveryMode: 'expectReplies',
        }),
        { Authorization: `Bearer ${BEARER}` },
      )
    ).status,
    (await send(`${server.url}/api/messages`, `{"type":"message","text":"${QUESTION}`)).status,
    (await fetch(`${server.url}/no/such/route?token=${token}`)).status,
  ];
  await peekStream(`${api}/${conversationId}/stream?token=${encodeURIComponent(token)}`);
  await peekStream(`${api}/${conversationId}/stream?token=${encodeURIComponent(BEARER)}`);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  return [token, code, connectorKey, ...statuses.map(String)];
}

describe('no log line carries a credential, and none at info carries what someone wrote', () => {
  let dir: string;
  beforeEach(async () => {
    dir = tempDir();
    await buildKnowledge(path.join(dir, 'edz.sqlite'));
  });
  afterEach(async () => {
    await FakeConnector.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const leaks = (output: string[], secrets: string[]) => secrets.filter((secret) => output.some((line) => line.includes(secret)));

  test('at info, in local mode: not the token, the invite code, the question, the connector key or the secret', async () => {
    const server = await startServer(path.join(dir, 'edz.sqlite'), { LOG_LEVEL: 'info' });
    const [token, code, connectorKey, ...statuses] = await exercise(server, dir);
    await server.stop();
    expect(leaks(server.output, [token, code, connectorKey, WEBCHAT_SECRET, BEARER, 'PLANTED-QUESTION-TEXT'])).toEqual([]);
    expect(statuses).toEqual(['200', '200', '200', '200', '400', '400', '413', '401', '403', '404', '200', '400', '404']);
    expect(server.output.length).toBeGreaterThan(10);
  });

  test('at info, with an app id: not its password, nor a Bearer token /api/messages refused', async () => {
    const env = {
      LOG_LEVEL: 'info',
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: APP_PASSWORD,
    };
    const server = await startServer(path.join(dir, 'edz.sqlite'), env);
    const [token, code, connectorKey, ...statuses] = await exercise(server, dir);
    await server.stop();
    expect(leaks(server.output, [APP_PASSWORD, token, code, connectorKey, WEBCHAT_SECRET, BEARER, 'PLANTED-QUESTION-TEXT'])).toEqual([]);
    expect(statuses[10]).toBe('401');
  });

  test('at trace, where questions may be logged: still no credential', async () => {
    const server = await startServer(path.join(dir, 'edz.sqlite'), { LOG_LEVEL: 'trace' });
    const [token, , connectorKey] = await exercise(server, dir);
    await server.stop();
    expect(server.output.some((line) => line.includes('PLANTED-QUESTION-TEXT'))).toBe(true);
    expect(leaks(server.output, [token, connectorKey, WEBCHAT_SECRET, BEARER])).toEqual([]);
  });
});

test('restify’s own warning when it cannot send an answer logs the request as its method and path, without token, body or text', async () => {
  const logs = captureLogs('info');
  // @types/restify still describes restify 8's bunyan logger; the server passes its pino logger the same way.
  const server = restify.createServer({ log: logs.logger.child({ component: 'restify' }) as unknown as restify.ServerOptions['log'] });
  server.post('/answer', ...jsonBody(65_536, logs.logger), async (req: restify.Request, res: restify.Response) => {
    const unsendable: Record<string, unknown> = { text: (req.body as { text: string }).text };
    unsendable.itself = unsendable;
    res.send(200, unsendable);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address();
    await send(`http://127.0.0.1:${port}/answer?token=PLANTED-QUERY-TOKEN`, JSON.stringify({ text: QUESTION }), {
      Authorization: `Bearer ${BEARER}`,
    });
  } finally {
    server.close();
  }
  const warning = logs.records().find((r) => r.component === 'restify' && /formatting response body/.test(String(r.msg)));
  expect(warning).toMatchObject({ level: 40, req: { method: 'POST', url: '/answer?token=[redacted]' } });
  expect(logs.lines.filter((line) => /PLANTED-QUESTION-TEXT|PLANTED-QUERY-TOKEN|eyPLANTED/.test(line))).toEqual([]);
});
