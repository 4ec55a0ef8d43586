import fs from 'node:fs';
import path from 'node:path';
import { buildKnowledge, runChild, tempDir } from './scheduler/world';

/** The command-line tools as an operator meets them: a mistake in the command is said and fails. */

jest.setTimeout(60_000);

test.each([
  ['kb', 'knowledge/cli/kb.ts'],
  ['ask', 'knowledge/cli/ask.ts'],
  ['admin', 'scheduler/cli/admin.ts'],
  ['scheduler', 'bot/cli/scheduler.ts'],
])('npm run %s without a command prints its usage on stderr and exits 2', async (_name, script) => {
  const result = await runChild(script, []);
  expect(result.stderr).toMatch(/^usage: /);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
});

describe('a database file that does not exist', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['kb', 'knowledge/cli/kb.ts', ['build']],
    ['ask', 'knowledge/cli/ask.ts', ['谁牵头土地任务？']],
    ['admin', 'scheduler/cli/admin.ts', ['contacts']],
    ['scheduler', 'bot/cli/scheduler.ts', ['tick']],
  ])('npm run %s refuses to create it, naming the file; with --create it is made and named', async (_name, script, args) => {
    const file = path.join(dir, 'typo', 'edz.sqlite');
    const refused = await runChild(script, args, { DB_PATH: file });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: no database at ${file}: check DB_PATH, or pass --create`);
    expect(fs.existsSync(path.dirname(file))).toBe(false);

    const created = await runChild(script, [...args, '--create'], { DB_PATH: file });
    expect(created.stderr).toContain(`database: ${file}`);
    expect(created.code).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe('ask --batch', () => {
  let dir: string;
  const ask = (args: string[], lines: string[]) =>
    runChild('knowledge/cli/ask.ts', ['--json', '--batch', ...args], { DB_PATH: path.join(dir, 'edz.sqlite') }, lines.join('\n'));
  const answers = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { taskIds: string[]; status: string });

  beforeAll(async () => {
    dir = tempDir();
    await buildKnowledge(path.join(dir, 'edz.sqlite'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('answers each line on its own, or with --conversation as the follow-ups of a chat', async () => {
    const lines = ['谁牵头土地任务？', '配合单位有哪些？'];
    const alone = answers((await ask([], lines)).stdout);
    expect(alone[0].taskIds[0]).toBe('4.3');
    expect(alone[1].taskIds).not.toEqual(['4.3']);
    const chat = answers((await ask(['--conversation'], lines)).stdout);
    expect(chat.map((a) => [a.status, a.taskIds[0]])).toEqual([
      ['answered', '4.3'],
      ['answered', '4.3'],
    ]);
  });
});
