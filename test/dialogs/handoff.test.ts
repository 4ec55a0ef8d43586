import fs from 'node:fs';
import { type Activity, TestAdapter } from 'botbuilder';
import { createBot } from '../../bot/bot';
import { DatabaseStorage } from '../../bot/storage';
import { type AnswerEngine, SqlAnswerLog, faqStoreFor } from '../../knowledge';
import { type CardJson, openEngine, say, view } from '../support/bot';
import { captureLogs } from '../support/logs';
import { FakeConnector } from '../scheduler/fakeConnector';
import { World, plan } from '../scheduler/world';

/**
 * Feedback and hand-offs end to end: the real bot (dialogs, state in the world's SQLite file, the
 * scheduler's chat commands) behind botbuilder's TestAdapter, the outbox dispatched by the
 * scheduler through the real CloudAdapter to a fake Bot Connector.
 */

let engine: AnswerEngine;
let closeEngine: () => Promise<void>;
let world: World;

beforeAll(async () => {
  ({ engine, close: closeEngine } = await openEngine());
});
afterAll(() => closeEngine());

// Wednesday 2 December 2026: three working days on is Monday 7 December.
const NOW = '2026-12-02T09:00:00+08:00';

beforeEach(async () => {
  world = await World.open({ now: NOW });
});
afterEach(async () => {
  engine.setFaq([]);
  await world.close();
  await FakeConnector.stopAll();
  fs.rmSync(world.dir, { recursive: true, force: true });
});

/** A person chatting with the bot in their own conversation on Teams, whose replies the outbox sends through the fake connector. */
function chat(conversationId: string, userId = `user-of-${conversationId}`) {
  const { bot } = createBot({
    engine,
    storage: new DatabaseStorage(world.db),
    logger: captureLogs().logger,
    chatCommands: world.scheduler.commands,
    answerLog: new SqlAnswerLog(world.db, () => world.clock.now()),
  });
  const adapter = new TestAdapter((context) => bot.run(context), {
    channelId: 'msteams',
    serviceUrl: world.connector.serviceUrl,
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: conversationId },
    from: { id: userId, name: userId },
    recipient: { id: 'bot', name: 'EDZ Assistant' },
  });
  return async (input: string | Partial<Activity>) => (await say(adapter, input)).map(view);
}

/** Asks what the plan cannot answer, passes it on and confirms: the hand-off every test below starts from. */
async function handOff(investor: ReturnType<typeof chat>): Promise<void> {
  await investor('开发区食堂几点开饭？');
  await investor('转交相关部门');
  await investor('确认');
}

const deliveredTo = (conversationId: string) => world.connector.delivered(conversationId).map((r) => r.text);

describe('feedback on an answer', () => {
  test('a card offers 有用 / 没用; a click records the vote, a second click changes it and does not add one', async () => {
    const investor = chat('investor');
    const [answer] = await investor('谁牵头土地任务？');
    const votes = answer.card!.actions.filter((a) => 'feedback' in a.data);
    expect(votes.map((a) => a.title)).toEqual(['有用', '没用']);
    const { answerId } = votes[0].data as unknown as { answerId: string };

    expect((await investor({ value: { feedback: 'helpful', answerId } }))[0].text).toBe('谢谢您的反馈！');
    const [changed] = await investor({ value: { feedback: 'unhelpful', answerId } });
    expect(changed.text).toBe('已更改您对这条回答的评价。');
    expect(changed.buttons).toEqual(['转交相关部门']);
    const rows = await world.db.all<{ vote: string; question: string; item_ids: string }>(
      'SELECT vote, question, item_ids FROM kb_answers',
    );
    expect(rows).toEqual([{ vote: 'unhelpful', question: '谁牵头土地任务？', item_ids: '4.3' }]);
  });

  test('in English, typed “helpful” rates the last answer; another conversation cannot rate it', async () => {
    const investor = chat('investor-en');
    const [answer] = await investor('Who leads the land task?');
    expect(answer.card!.actions.filter((a) => 'feedback' in a.data).map((a) => a.title)).toEqual(['Helpful', 'Not helpful']);
    expect((await investor('helpful'))[0].text).toBe('Thank you for your feedback!');
    expect((await investor('helpful'))[0].text).toBe('You have already rated this answer that way.');
    const { answerId } = answer.card!.actions.find((a) => 'feedback' in a.data)!.data as unknown as { answerId: string };
    expect((await chat('stranger')({ value: { feedback: 'unhelpful', answerId } }))[0].text).toMatch(
      /没有找到要评价的回答|There is no answer to rate/,
    );
    expect(await world.db.all('SELECT vote FROM kb_answers WHERE vote IS NOT NULL')).toEqual([{ vote: 'helpful' }]);
  });
});

describe('a question the plan cannot answer is handed to the department, answered, and the answer reaches the asker', () => {
  test('in Chinese: decline → 转交 → confirm → the liaison of 省商务厅 answers from a second conversation → the asker gets it once', async () => {
    await world.bind('commerce', '部门 省商务厅');
    const investor = chat('investor');
    const [declined] = await investor('开发区食堂几点开饭？');
    expect(declined.buttons[0]).toBe('转交相关部门');

    const [confirm] = await investor('转交相关部门');
    expect(confirm.text).toContain('将把您的问题转交省商务厅答复');
    expect(confirm.text).toContain('“开发区食堂几点开饭？”');
    expect(confirm.buttons).toEqual(['确认', '取消']);
    const [created] = await investor('确认');
    expect(created.text).toBe('已转交省商务厅，编号 Q-2026-0001。答复期限：2026-12-07（3个工作日）。答复会发到本会话。');

    await world.scheduler.tick();
    const toLiaison = deliveredTo('commerce').find((t) => t.startsWith('【转办 Q-2026-0001】'))!;
    expect(toLiaison).toContain('“开发区食堂几点开饭？”');
    expect(toLiaison).toContain('答复期限：2026-12-07');

    world.clock.advance(24 * 3_600_000);
    expect(await world.say('commerce', '答复 Q-2026-0001 您好，园区食堂每天11:30开饭。\n详情请咨询管委会。')).toBe(
      '已将省商务厅的答复发给提问人（编号 Q-2026-0001）。',
    );
    await world.scheduler.tick();
    await world.scheduler.tick();
    const toAsker = deliveredTo('investor');
    expect(toAsker).toHaveLength(1);
    expect(toAsker[0]).toMatch(/^省商务厅答复（2026-12-03）：您好，园区食堂每天11:30开饭。\n详情请咨询管委会。\n（编号 Q-2026-0001/);
    expect(toAsker[0]).toContain('不是《行动计划》原文');

    // The first answer stands; nobody else may answer.
    expect(await world.say('commerce', '答复 Q-2026-0001 改一下')).toContain('Q-2026-0001 已于2026-12-03由省商务厅答复，答复不再更改');
    expect(await world.say('stranger', '答复 Q-2026-0001 我来答')).toBe(
      'Q-2026-0001 已转交省商务厅，只有省商务厅的联络人或管理员可以答复。',
    );

    // An admin publishes the answer; the next person asking gets it, cited as the department's reply.
    await world.bind('ops', '管理员');
    expect(await world.say('commerce', '发布问答 Q-2026-0001')).toBe('抱歉，这是管理员命令，您没有权限使用。');
    expect(await world.say('ops', '发布问答 Q-2026-0001', { isAdmin: true })).toMatch(/^已将 Q-2026-0001 的答复发布为常见问题 F-0001/);
    // The server reloads the entries when their revision changes (refreshFaq); here the test does it.
    engine.setFaq(await faqStoreFor(world.db, plan).list());
    const [next] = await chat('next-investor')('开发区的食堂几点开饭？');
    expect(next.text).toContain('您好，园区食堂每天11:30开饭。');
    expect(next.text).toContain('来源：省商务厅答复（2026-12-03）');
    expect(next.buttons).toEqual(['有用', '没用']);
  });

  test('in English, the lead of the best item is proposed, another unit may be named instead, and the reply survives a restart', async () => {
    await world.bind('finance', '部门 省财政厅');
    const investor = chat('investor-en');
    await investor('What time does the canteen open?');
    expect((await investor('pass this to the department'))[0].text).toContain(
      'passed to Department of Commerce of Shandong Province (省商务厅)',
    );
    const [renamed] = await investor('财政厅');
    expect(renamed.text).toContain('(省财政厅) for an answer');
    expect((await investor('confirm'))[0].text).toMatch(/^Passed to .*\(省财政厅\), reference Q-2026-0001\. Answer due by 2026-12-07/);

    // The process stops after the hand-off and another starts on the same file.
    const dir = world.dir;
    const connector = world.connector;
    await world.close();
    world = await World.open({ now: NOW, dir, connector });
    await world.scheduler.tick();
    // The liaison reads it in the language they bound in.
    expect(deliveredTo('finance').some((t) => t.startsWith('【转办 Q-2026-0001】'))).toBe(true);
    expect(await world.say('finance', 'reply Q-2026-0001 The canteen opens at 11:30.')).toContain('has been sent');
    await world.scheduler.tick();
    expect(deliveredTo('investor-en')).toEqual([
      expect.stringMatching(/^Answer of .*\(省财政厅\) \(2026-12-02\): The canteen opens at 11:30\./),
    ]);
  });

  test('the Chinese liaison answers an English asker in the form sent with the hand-off; an empty form is refused and changes nothing', async () => {
    await world.bind('commerce', '部门 省商务厅');
    const investor = chat('investor-en');
    await investor('What time does the canteen open?');
    await investor('pass this to the department');
    await investor('confirm');
    await world.scheduler.tick();
    const [handedOff] = world.connector.delivered('commerce').filter((r) => r.text.startsWith('【转办 Q-2026-0001】'));
    const form = handedOff.attachments[0].content as CardJson;
    expect(form.body.map((b) => b.type)).toEqual(['TextBlock', 'Input.Text']);
    expect(form.body[1]).toMatchObject({ id: 'replyText', isMultiline: true, maxLength: 2000 });
    const send = form.actions[0];
    expect(send.title).toBe('发送答复');

    const liaison = chat('commerce');
    const [empty] = await liaison({ type: 'message', value: { ...send.data, replyText: '  ' } });
    expect(empty.text).toContain('请在编号后写上答复内容');
    const [sent] = await liaison({ type: 'message', value: { ...send.data, replyText: 'The canteen opens at 11:30.' } });
    expect(sent.text).toBe('已将省商务厅的答复发给提问人（编号 Q-2026-0001）。');
    await world.scheduler.tick();
    expect(deliveredTo('investor-en')).toEqual([
      expect.stringMatching(/^Answer of .*\(省商务厅\) \(2026-12-02\): The canteen opens at 11:30\./),
    ]);
    // The asker's copy is plain: only a unit's message asks for an answer.
    expect(world.connector.delivered('investor-en')[0].attachments).toEqual([]);
  });

  test('a unit without a liaison: the admins get the hand-off, reassign it, and the new unit is told', async () => {
    await world.bind('ops', '管理员');
    await world.bind('finance', '部门 省财政厅');
    const investor = chat('investor');
    await investor('开发区食堂几点开饭？');
    await investor('转交相关部门');
    expect((await investor('确认'))[0].text).toContain('该单位暂无联络人，已请管理员协调');
    await world.scheduler.tick();
    expect(deliveredTo('ops').some((t) => t.startsWith('【转办 Q-2026-0001｜省商务厅暂无联络人】'))).toBe(true);

    expect(await world.say('finance', '转办 Q-2026-0001 省财政厅')).toBe('抱歉，这是管理员命令，您没有权限使用。');
    expect(await world.say('ops', '转办 Q-2026-0001 财政厅', { isAdmin: true })).toContain('已从省商务厅改派给省财政厅');
    await world.scheduler.tick();
    expect(deliveredTo('finance').some((t) => t.startsWith('【转办 Q-2026-0001】'))).toBe(true);
    expect(await world.say('finance', '转办列表')).toContain('Q-2026-0001 省财政厅');
    expect(await world.say('stranger', '转办列表')).toBe('转办问题只对绑定的部门联络人和管理员显示。');
  });

  test('an unanswered hand-off past its deadline reminds the unit and tells the admins, once per overdue period', async () => {
    await world.bind('ops', '管理员');
    await world.bind('commerce', '部门 省商务厅');
    const investor = chat('investor');
    await handOff(investor);
    await world.scheduler.tick();
    world.clock.advance(6 * 24 * 3_600_000); // 2026-12-08, a day past the deadline
    await world.scheduler.tick();
    await world.scheduler.tick();
    expect(deliveredTo('commerce').filter((t) => t.includes('【转办逾期 Q-2026-0001】'))).toHaveLength(1);
    expect(deliveredTo('ops').filter((t) => t.includes('【转办逾期 Q-2026-0001】'))).toHaveLength(1);
  });

  test('a restart between the reply and its delivery, then a connector that answers 503 before 200: the asker gets the reply once', async () => {
    await world.bind('commerce', '部门 省商务厅');
    const investor = chat('investor');
    await handOff(investor);
    await world.scheduler.tick();
    expect(await world.say('commerce', '答复 Q-2026-0001 食堂11:30开饭。')).toContain('答复发给提问人');

    // The process stops before the outbox sends the reply; another starts on the same file a minute later.
    const dir = world.dir;
    const connector = world.connector;
    await world.close();
    world = await World.open({ now: NOW, dir, connector });
    world.clock.advance(60_000);
    world.connector.fail('investor', { status: 503 });
    await world.scheduler.tick();
    expect(deliveredTo('investor')).toEqual([]);
    world.clock.advance(2 * 3_600_000); // past the retry's backoff (at most SEND_RETRY_MAX_SECONDS, an hour, with jitter)
    await world.scheduler.tick();
    await world.scheduler.tick();
    expect(deliveredTo('investor')).toEqual([expect.stringMatching(/^省商务厅答复（2026-12-02）：食堂11:30开饭。/)]);
    expect(world.connector.requests.filter((r) => r.conversationId === 'investor').map((r) => r.status)).toEqual([503, 200]);
  });

  test('the asker’s conversation answers 403: the reply is kept and the admins are told', async () => {
    await world.bind('ops', '管理员');
    await world.bind('commerce', '部门 省商务厅');
    const investor = chat('investor');
    await handOff(investor);
    await world.scheduler.tick();
    world.connector.fail('investor', { status: 403 });
    await world.say('commerce', '答复 Q-2026-0001 11:30开饭。');
    await world.scheduler.tick();
    await world.scheduler.tick();
    expect(deliveredTo('investor')).toEqual([]);
    expect(deliveredTo('ops').some((t) => t.startsWith('【联系人停用】转办提问人'))).toBe(true);
    expect(await world.db.get('SELECT status, reply FROM sch_handoffs')).toEqual({ status: 'answered', reply: '11:30开饭。' });
  });
});

describe('bad input to a hand-off', () => {
  test('an unknown reference, an empty reply, a 100,000-character reply and an unknown unit each get a clear message and change nothing', async () => {
    await world.bind('commerce', '部门 省商务厅');
    const investor = chat('investor');
    expect((await investor('转交相关部门'))[0].text).toContain('没有可以转交的问题');
    await investor('开发区食堂几点开饭？');
    await investor('转交相关部门');
    expect((await investor('火星管理局'))[0].text).toContain('没有找到单位“火星管理局”');
    expect((await investor('取消'))[0].text).toBeTruthy();
    expect(await world.db.get('SELECT COUNT(*) AS n FROM sch_handoffs')).toEqual({ n: 0 });

    await investor('转交相关部门');
    await investor('确认');
    expect(await world.say('commerce', '答复 Q-2026-0999 你好')).toBe('没有编号为 Q-2026-0999 的转办问题。');
    expect(await world.say('commerce', '答复 Q-2026-0001')).toContain('请在编号后写上答复内容');
    expect(await world.say('commerce', `答复 Q-2026-0001 ${'长'.repeat(100_000)}`)).toBe(
      '答复太长（100000字），请控制在2000字以内，或分条说明要点。',
    );
    expect(await world.db.get('SELECT status, reply FROM sch_handoffs')).toEqual({ status: 'open', reply: null });
  });
});

describe('the admins’ report', () => {
  test('counts answers by status, groups the same declined question, shows votes per item and hand-offs; admins only', async () => {
    const investor = chat('investor');
    await investor('开发区食堂几点开饭？');
    await investor('开发区食堂 几点开饭');
    await investor('开发区食堂几点开饭?');
    await investor('谁牵头土地任务？');
    await investor('有用');
    await investor('转交相关部门');
    await investor('确认');
    expect(await world.say('investor', '使用报告')).toBe('抱歉，这是管理员命令，您没有权限使用。');
    const report = (await world.say('ops', '使用报告', { isAdmin: true }))!;
    expect(report).toContain('问题：已回答 1，需澄清 0，无法回答 3，超出范围 0。');
    expect(report).toContain('- 3次：开发区食堂几点开饭？');
    expect(report).toContain('- 4.3：有用 1，没用 0（有用率 100%）');
    expect(report).toContain('转办：新增 1，待答复 1（其中逾期 0），已答复 0');
  });
});
