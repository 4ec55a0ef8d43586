import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Activity, ActivityTypes } from 'botbuilder';
import { openDatabase } from '../../db';
import { type AnswerEngine } from '../../knowledge';
import { TURN_ERROR_TEXT, WELCOME_TEXT } from '../../dialogs/texts';
import { openEngine, say, startTestBot, type TestBot, view } from '../support/bot';

let engine: AnswerEngine;
let closeEngine: () => Promise<void>;
let dir: string;
let stateFile: string;
let running: TestBot | undefined;

beforeAll(async () => {
  ({ engine, close: closeEngine } = await openEngine());
});
afterAll(() => closeEngine());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-bot-'));
  stateFile = path.join(dir, 'edz.sqlite');
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<TestBot> {
  running = await startTestBot(engine, stateFile);
  return running;
}

function joined(...memberIds: string[]): Partial<Activity> {
  return {
    type: ActivityTypes.ConversationUpdate,
    membersAdded: memberIds.map((id) => ({ id, name: id })),
    recipient: { id: 'bot', name: 'bot' },
  };
}

describe('the welcome', () => {
  test('a person joining gets one welcome with example questions in Chinese and English as buttons', async () => {
    const { adapter } = await start();
    const replies = await say(adapter, joined('bot', 'alice', 'bob'));
    expect(replies).toHaveLength(1);
    const welcome = view(replies[0]);
    expect(welcome.text).toBe(WELCOME_TEXT);
    expect(welcome.buttons).toEqual([
      '谁牵头土地任务？',
      '省商务厅牵头哪些任务？',
      'Who leads the land-use task?',
      'Which tasks does the Department of Commerce lead?',
    ]);
  });

  test('the bot joining alone is not welcomed', async () => {
    const { adapter } = await start();
    expect(await say(adapter, joined('bot'))).toEqual([]);
  });

  test('every example question is answered from the plan', async () => {
    const { adapter } = await start();
    for (const question of view((await say(adapter, joined('alice')))[0]).buttons) {
      const answer = view((await say(adapter, question))[0]);
      expect(answer.text).not.toMatch(/没有.*找到|could not find|outside what I can answer/);
    }
  });
});

test('in a Teams channel the @mention of the bot is not part of the message', async () => {
  const { adapter } = await start();
  const mention = { type: 'mention', mentioned: { id: 'bot', name: 'EDZ Assistant' }, text: '<at>EDZ Assistant</at>' };
  const [reply] = await say(adapter, { type: 'message', text: '<at>EDZ Assistant</at> 帮助', entities: [mention] });
  expect(view(reply).text).toBe(engine.help('zh').text);
});

test('a restart between two turns keeps what "it" was: new storage, bot and adapter on the same SQLite file', async () => {
  const before = await start();
  expect(view((await say(before.adapter, '谁牵头土地任务？'))[0]).facts['牵头单位']).toBe('省国土资源厅（现省自然资源厅）');
  await before.close();

  const after = await start();
  const followUp = view((await say(after.adapter, '配合单位有哪些？'))[0]);
  expect(followUp.text).toContain('4.3「完善土地开发利用机制」的配合单位');
});

test('a restart keeps a pending clarification: the number typed after it still chooses', async () => {
  const before = await start();
  expect(view((await say(before.adapter, '园区建设谁牵头？'))[0]).text).toContain('您是不是想问');
  await before.close();

  const after = await start();
  expect(view((await say(after.adapter, '2'))[0]).text).toContain('3.3「打造特色产业园区、特色小镇」由省商务厅牵头');
});

test('a turn that fails is logged, apologised for, and its conversation reset; the next turn works', async () => {
  const { adapter, logs } = await start();
  await say(adapter, '园区建设谁牵头？');
  // A new version renamed the clarification dialog: the stored dialog stack names one that no longer exists.
  const db = await openDatabase(stateFile);
  await db.transaction(() =>
    db.run(`UPDATE bot_state SET value = replace(value, '"clarifyDialog"', '"retiredDialog"') WHERE key LIKE '%/conversations/%'`),
  );
  await db.close();

  const failed = await say(adapter, '2');
  expect(failed.map((r) => r.text)).toEqual([TURN_ERROR_TEXT]);
  expect(logs.records().some((r) => r.event === 'turn_error')).toBe(true);

  // The reset forgot the broken dialog: the same message now gets an ordinary reply.
  const again = await say(adapter, '2');
  expect(again.map((r) => r.text)).not.toContain(TURN_ERROR_TEXT);
  const next = view((await say(adapter, '谁牵头土地任务？'))[0]);
  expect(next.facts['牵头单位']).toBe('省国土资源厅（现省自然资源厅）');
});

test('the logs at the default level say what was answered, never what was asked', async () => {
  const { adapter, logs } = await start();
  await say(adapter, '谁牵头土地任务？');
  await say(adapter, 'What about the co-responsible units?');
  const answers = logs.records().filter((r) => r.event === 'answer');
  expect(answers).toEqual([
    expect.objectContaining({ lang: 'zh', intent: 'lead', status: 'answered', taskIds: ['4.3'] }),
    expect.objectContaining({ lang: 'en', intent: 'co_units', status: 'answered', taskIds: ['4.3'] }),
  ]);
  const written = logs.lines.join('\n');
  expect(written).not.toContain('土地任务');
  expect(written).not.toContain('co-responsible units');
});
