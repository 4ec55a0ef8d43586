import { runChild } from './scheduler/world';

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
