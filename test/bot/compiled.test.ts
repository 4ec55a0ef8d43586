import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { ensureBuilt, startArguments } from '../support/build';

/**
 * `npm start` runs the compiled JavaScript in dist/ (built by `npm install` through `prepare`). This
 * starts it as `npm start` does and asks it something, so a path that only works from the
 * TypeScript sources (a data file found next to the code) fails here. dist/ is rebuilt first when
 * it is missing or older than a source file, so the test checks the code as it is now.
 */

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');

let dir: string;
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-compiled-'));
  // The start command of package.json, run by node itself so that the test can stop it.
  const args = startArguments();
  expect(args.at(-1)).toBe('dist/bot/index.js');
  child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DB_PATH: path.join(dir, 'edz.sqlite'),
      LOG_LEVEL: 'info',
      MicrosoftAppId: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the compiled server exited with code ${code}: ${stderr}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"event":"listening"')) resolve(String((JSON.parse(line) as { url: string }).url));
    });
  });
});

afterAll(async () => {
  if (child?.exitCode === null) {
    child.removeAllListeners('exit');
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the compiled server starts, is healthy and answers from the knowledge base', async () => {
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', knowledgeBase: { ok: true, answeredWith: ['4.3'] } });

  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      deliveryMode: 'expectReplies',
      channelId: 'test',
      from: { id: 'user-1' },
      recipient: { id: 'bot' },
      conversation: { id: 'compiled-1' },
      text: '谁牵头土地任务？',
    }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { activities: Array<{ text: string }> };
  expect(body.activities[0].text).toContain('由省国土资源厅（现省自然资源厅）牵头');
});

test('the chat page and its files are served from the compiled code', async () => {
  const page = await fetch(`${url}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html');
  expect((await fetch(`${url}/webchat/static/app.js`)).status).toBe(200);
});
