import { AutoSaveStateMiddleware, ConversationState, MemoryStorage, UserState } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import type { AnswerEngine } from '../../knowledge';
import { createMainDialog } from '../../dialogs/mainDialog';
import { CANCELLED_TEXT } from '../../dialogs/texts';
import { openEngine, type Reply, view } from '../support/bot';
import { captureLogs } from '../support/logs';

let engine: AnswerEngine;
let closeEngine: () => Promise<void>;

beforeAll(async () => {
  ({ engine, close: closeEngine } = await openEngine());
});
afterAll(() => closeEngine());

/** The main dialog alone, as botbuilder-testing drives it: one conversation on a channel, state in memory. */
function conversation(channelId = 'test') {
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialog = createMainDialog({ conversation: conversationState, user: userState }, { engine, logger: captureLogs().logger });
  const client = new DialogTestClient(channelId, dialog, undefined, [new AutoSaveStateMiddleware(userState)], conversationState);
  return {
    /** Sends a message (or a card click) and returns what the user sees of the single reply. */
    async say(input: string | Reply) {
      const reply = await client.sendActivity(input);
      expect(client.getNextReply()).toBeUndefined();
      return view(reply);
    },
  };
}

describe('a card channel is not shown the answer twice', () => {
  test('on Web Chat, Teams and the Emulator the text is the answer’s first sentence and the card holds the rest', async () => {
    for (const channel of ['webchat', 'msteams', 'emulator']) {
      const lead = await conversation(channel).say('谁牵头土地任务？');
      expect(lead.text).toBe('4.3「完善土地开发利用机制」由省国土资源厅（现省自然资源厅）牵头。');
      expect(lead.facts['配合单位']).toBe('省发展改革委、省住房城乡建设厅、省商务厅');
    }
  });

  test('a quoting answer puts the plan’s sentences on the card; a channel without cards gets them in the text', async () => {
    const question = '项目审批能不能在一个窗口办完？';
    const web = await conversation('webchat').say(question);
    const plain = await conversation('sms').say(question);
    expect(web.text.split('\n')).toHaveLength(1);
    const quoted = web.card!.body.map((b) => b.text ?? '').filter((t) => t.startsWith('「'));
    expect(quoted.length).toBeGreaterThan(0);
    expect(quoted.some((q) => q.includes('一个窗口受理'))).toBe(true);
    for (const q of quoted) expect(plain.text).toContain(q.slice(1, -1));
    expect(plain.text.split('\n').length).toBeGreaterThan(2);
  });
});

describe('answers and follow-ups in Chinese', () => {
  test('谁牵头土地任务？ → 配合单位有哪些？ → 有什么时间要求？ → 原文 stays on the land task', async () => {
    const c = conversation();
    const lead = await c.say('谁牵头土地任务？');
    expect(lead.text).toContain('4.3「完善土地开发利用机制」由省国土资源厅（现省自然资源厅）牵头');
    expect(lead.card?.body[0].text).toBe('4.3 完善土地开发利用机制');
    expect(lead.facts['牵头单位']).toBe('省国土资源厅（现省自然资源厅）');
    expect(lead.facts['配合单位']).toBe('省发展改革委、省住房城乡建设厅、省商务厅');
    expect(lead.facts['出处']).toBe('《行动计划》二（四）3');
    expect(lead.buttons).toEqual(['4.3的配合单位有哪些？', '4.3有什么时间要求？', '4.3原文']);

    const coUnits = await c.say('配合单位有哪些？');
    expect(coUnits.text).toContain('4.3「完善土地开发利用机制」的配合单位（3个）');

    const deadlines = await c.say('有什么时间要求？');
    expect(deadlines.text).toContain('4.3「完善土地开发利用机制」的时间要求');
    expect(deadlines.facts['时间要求']).toBe('定期');

    const original = await c.say('原文');
    expect(original.text).toContain('优化土地利用政策');
    expect(original.card?.body[0].text).toBe('4.3 完善土地开发利用机制');
  });

  test('省商务厅牵头哪些任务？ → 第二个详细说说 opens the second task listed', async () => {
    const c = conversation();
    const list = await c.say('省商务厅牵头哪些任务？');
    expect(list.text).toContain('2. 2.2 转变外贸发展方式');
    expect(list.card).toBeUndefined();
    expect(list.buttons).toContain('第二个详细说说');

    const second = await c.say('第二个详细说说');
    expect(second.text).toContain('「转变外贸发展方式」');
    expect(second.facts['牵头单位']).toBe('省商务厅');
  });

  test('a card button asks its question, whether the channel sends it as text (Teams) or as a value (Web Chat)', async () => {
    const c = conversation();
    const button = (await c.say('谁牵头土地任务？')).card!.actions[2];
    expect(button).toMatchObject({ type: 'Action.Submit', title: '4.3原文', data: { msteams: { type: 'imBack', value: '4.3原文' } } });
    const asText = await c.say(button.data.msteams.value);
    const asValue = await c.say({ type: 'message', value: button.data });
    expect(asText.text).toContain('优化土地利用政策');
    expect(asValue.text).toBe(asText.text);
  });
});

describe('answers and follow-ups in English', () => {
  test('Who leads the land-use task? → what about the co-responsible units? → the card’s original-text button', async () => {
    const c = conversation();
    const lead = await c.say('Who leads the land-use task?');
    expect(lead.text).toContain('The lead for item 4.3');
    expect(lead.card?.body[0].text).toBe('4.3 Improve the land development and utilization mechanism');
    expect(lead.facts.Lead).toContain('Shandong Provincial Department of Land and Resources');
    expect(lead.facts.Lead).toContain('now Shandong Provincial Department of Natural Resources');
    expect(lead.facts.Source).toBe('Action Plan, Part II, (4) 3');
    expect(Object.keys(lead.facts)).toEqual(['Lead', 'Co-responsible', 'Deadlines', 'Source']);
    expect(lead.buttons).toEqual(['Who else is responsible for 4.3?', 'What are the deadlines of 4.3?', 'Show the original text of 4.3']);

    const coUnits = await c.say('what about the co-responsible units?');
    expect(coUnits.text).toMatch(/^Co-responsible for item 4\.3/);
    expect(coUnits.facts['Co-responsible']).toContain('Department of Commerce of Shandong Province');

    // The card's buttons ask about the same item; in Web Chat a click arrives as a value.
    const original = await c.say({ type: 'message', value: lead.card?.actions[2].data });
    expect(original.text).toMatch(/^Original text of item 4\.3/);
  });

  test('each message is answered in its own language, also when the language changes', async () => {
    const c = conversation();
    expect((await c.say('Who leads the land-use task?')).facts).toHaveProperty('Lead');
    const zh = await c.say('配合单位有哪些？');
    expect(zh.text).toContain('4.3「完善土地开发利用机制」的配合单位');
    expect(zh.facts).toHaveProperty('牵头单位');
  });
});

describe('clarification', () => {
  const OPTIONS = ['2.4 加快国际合作园区建设谁牵头？', '3.3 打造特色产业园区、特色小镇谁牵头？', '4.2 鼓励绿色低碳循环发展谁牵头？'];

  test('an unsure answer asks 您是不是想问… with the options as buttons, and a click answers that option', async () => {
    const c = conversation();
    const ask = await c.say('园区建设谁牵头？');
    expect(ask.text).toContain('您是不是想问');
    expect(ask.buttons).toEqual(OPTIONS);

    const chosen = await c.say(OPTIONS[1]);
    expect(chosen.text).toContain('3.3「打造特色产业园区、特色小镇」由省商务厅牵头');
  });

  test('typing an option’s number picks it', async () => {
    const c = conversation();
    await c.say('园区建设谁牵头？');
    const chosen = await c.say('3');
    expect(chosen.text).toContain('4.2「鼓励绿色低碳循环发展」由');
    expect(chosen.card?.body[0].text).toBe('4.2 鼓励绿色低碳循环发展');
  });

  test('a new question instead of a choice is answered as a question', async () => {
    const c = conversation();
    await c.say('园区建设谁牵头？');
    const answer = await c.say('谁牵头土地任务？');
    expect(answer.text).toContain('4.3「完善土地开发利用机制」由省国土资源厅');
    // The clarification is over: a number is no longer a choice.
    expect((await c.say('3')).text).not.toContain('鼓励绿色低碳循环发展');
  });

  test('English clarifications offer English options', async () => {
    const c = conversation();
    const ask = await c.say('Who leads the reform?');
    expect(ask.buttons.length).toBeGreaterThan(1);
    expect(ask.buttons.every((b) => b.startsWith('Who leads '))).toBe(true);
    const chosen = await c.say('1');
    expect(chosen.facts).toHaveProperty('Lead');
  });
});

describe('help and cancel work from anywhere', () => {
  test('帮助 and help answer in their language; the conversation goes on where it was', async () => {
    const c = conversation();
    await c.say('谁牵头土地任务？');
    const help = await c.say('帮助');
    expect(help.text).toBe(engine.help('zh').text);
    expect(help.buttons).toEqual(engine.help('zh').suggestions);
    expect((await c.say('Help!')).text).toBe(engine.help('en').text);
    expect((await c.say('配合单位有哪些？')).text).toContain('4.3「完善土地开发利用机制」的配合单位');
  });

  test('there is one help text: 帮助 and a question about using the assistant get the same', async () => {
    const c = conversation();
    const command = await c.say('帮助');
    expect(command.text).toContain('一个窗口受理');
    expect((await c.say('这个助手怎么使用？')).text).toBe(command.text);
  });

  test('help during a clarification keeps the choice open', async () => {
    const c = conversation();
    await c.say('园区建设谁牵头？');
    expect((await c.say('help')).text).toBe(engine.help('en').text);
    expect((await c.say('2')).text).toContain('3.3「打造特色产业园区、特色小镇」由省商务厅牵头');
  });

  test('"?" gets help in the language the user has been writing', async () => {
    const c = conversation();
    await c.say('Who leads the land-use task?');
    expect((await c.say('?')).text).toBe(engine.help('en').text);
  });

  test('取消 forgets what the conversation was about', async () => {
    const c = conversation();
    await c.say('谁牵头土地任务？');
    expect((await c.say('取消')).text).toBe(CANCELLED_TEXT.zh);
    const after = await c.say('配合单位有哪些？');
    expect(after.text).not.toContain('完善土地开发利用机制');
    expect(after.card).toBeUndefined();
  });

  test('算了 ends a clarification: its numbers no longer choose', async () => {
    const c = conversation();
    await c.say('园区建设谁牵头？');
    expect((await c.say('算了')).text).toBe(CANCELLED_TEXT.zh);
    expect((await c.say('2')).text).not.toContain('打造特色产业园区');
  });

  test('cancel in English; a question that merely contains 取消 is still a question', async () => {
    const c = conversation();
    await c.say('Who leads the land-use task?');
    expect((await c.say('cancel')).text).toBe(CANCELLED_TEXT.en);
    expect((await c.say('取消了哪些审批？')).text).not.toBe(CANCELLED_TEXT.zh);
  });
});

test('echo says its text back and keeps it in the conversation state, leaving the answer context alone', async () => {
  const memory: Record<string, string> = {};
  const storage = new MemoryStorage(memory);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialog = createMainDialog({ conversation: conversationState, user: userState }, { engine, logger: captureLogs().logger });
  const client = new DialogTestClient('test', dialog, undefined, [new AutoSaveStateMiddleware(userState)], conversationState);
  const conversationItem = () => JSON.parse(Object.entries(memory).find(([key]) => key.includes('/conversations/'))![1]);
  await client.sendActivity('谁牵头土地任务？');
  const { answerContext } = conversationItem();
  expect(view(await client.sendActivity('echo 配合单位有哪些？')).text).toBe('配合单位有哪些？');
  expect(view(await client.sendActivity('echo what about it?')).text).toBe('what about it?');
  expect(conversationItem()).toMatchObject({ echo: { text: 'what about it?', turns: 2 }, answerContext });
  expect(view(await client.sendActivity('配合单位有哪些？')).text).toContain('4.3「完善土地开发利用机制」的配合单位');
});

test('ping answers pong without disturbing the conversation', async () => {
  const c = conversation();
  await c.say('谁牵头土地任务？');
  expect((await c.say('ping')).text).toBe('pong');
  expect((await c.say('配合单位有哪些？')).text).toContain('4.3「完善土地开发利用机制」的配合单位');
});

/** A conversation the scheduler knows as bound to `units` and `zones`; `results` is the zone's own assessment result, if any. */
function boundConversation(units: string[], zones: string[] = [], results: string | null = null) {
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const chatCommands = {
    run: () => Promise.resolve(''),
    refreshReference: () => Promise.resolve(),
    boundUnits: () => Promise.resolve({ units, zones }),
    ownResults: () => Promise.resolve(results),
  };
  const dialog = createMainDialog(
    { conversation: conversationState, user: userState },
    { engine, logger: captureLogs().logger, chatCommands },
  );
  const client = new DialogTestClient('test', dialog, undefined, [new AutoSaveStateMiddleware(userState)], conversationState);
  return {
    /** Sends a message and returns what the user sees of every reply. */
    async say(input: string) {
      const first = await client.sendActivity(input);
      const replies = [view(first)];
      for (let next = client.getNextReply(); next; next = client.getNextReply()) replies.push(view(next));
      return replies;
    },
  };
}

describe('a liaison’s own unit and a zone’s own zone', () => {
  test('a liaison bound to 省商务厅 asks 我们厅牵头哪些任务？ and is told that unit’s tasks, and which unit was assumed', async () => {
    const [reply] = await boundConversation(['省商务厅']).say('我们厅牵头哪些任务？');
    expect(reply.text).toContain('按本会话绑定的单位省商务厅回答');
    expect(reply.text).toContain('省商务厅在《行动计划》中牵头8项任务');
    expect(reply.text).toContain('2.1 提高利用投资质量和水平');
  });

  test('in English: "what does my department lead?" answers for the bound unit, by its name now', async () => {
    const [reply] = await boundConversation(['省国土资源厅']).say('What does my department lead?');
    expect(reply.text).toContain('Answered for Shandong Provincial Department of Land and Resources');
    expect(reply.text).toContain('now Shandong Provincial Department of Natural Resources');
    expect(reply.text).toContain('4.3');
  });

  test('我们有哪些任务要报进展？ lists every task of the bound unit, led and shared', async () => {
    const [reply] = await boundConversation(['省科技厅']).say('我们有哪些任务要报进展？');
    expect(reply.text).toContain('按本会话绑定的单位省科技厅回答');
    expect(reply.text).toContain('3.2 推进创新驱动发展');
    expect(reply.text).toContain('配合：');
  });

  test('a unit the question names outweighs the bound one; an unbound conversation gets no assumption', async () => {
    const [named] = await boundConversation(['省商务厅']).say('省财政厅牵头哪些任务？');
    expect(named.text).not.toContain('按本会话绑定的单位');
    expect(named.text).toContain('省财政厅在《行动计划》中牵头');
    const [unbound] = await boundConversation([]).say('我们厅牵头哪些任务？');
    expect(unbound.text).not.toContain('按本会话绑定的单位');
  });

  test('a zone’s contact asking what the plan asks of their zone gets item 5.5, then their own result', async () => {
    const replies = await boundConversation([], ['济南高新技术产业开发区'], '2025年度考核结果：济南高新技术产业开发区排名第3').say(
      '我们开发区在这个计划里要做什么？',
    );
    expect(replies).toHaveLength(2);
    expect(replies[0].text).toContain('实施动态管理');
    expect(replies[1].text).toContain('排名第3');
  });
});

describe('a long first-person question', () => {
  test('the introduction is not the ask, and 配合单位呢？ stays on the item it asked about', async () => {
    const c = conversation();
    const lead = await c.say(
      '我是潍坊一个县级开发区管委会办公室的文员，领导让我查一下：省里那份开发区转型升级五年行动计划里，“创新行政管理体制”这一条到底是哪个部门牵头的？',
    );
    expect(lead.text).toContain('1.1「创新行政管理体制」由省编办（现省委编办）牵头');
    const coUnits = await c.say('配合单位呢？');
    expect(coUnits.text).toContain('1.1「创新行政管理体制」的配合单位');
  });

  test('in English: an investor’s introduction, then "And the co-responsible units?"', async () => {
    const c = conversation();
    const lead = await c.say('My company runs an incubator in Jinan. Who leads promoting innovation-driven development?');
    expect(lead.text).toContain('3.2');
    expect(lead.text).toContain('Science and Technology');
    const coUnits = await c.say('And the co-responsible units?');
    expect(coUnits.text).toContain('3.2');
  });
});

describe('a partial answer: what the plan does not say, what it says nearby, whom to ask', () => {
  test('in Chinese: the text and the card say first what the plan does not say; 原文 still quotes the cited sentence', async () => {
    const c = conversation('webchat');
    const a = await c.say('环评审批一般要多少个工作日？');
    expect(a.text).toBe('《行动计划》没有规定办理时限。');
    const blocks = a.card!.body.map((b) => b.text ?? '');
    expect(blocks[2]).toBe('《行动计划》没有规定办理时限。');
    const quoted = blocks.filter((t) => t.startsWith('「')).map((t) => t.slice(1, -1));
    expect(quoted.length).toBeGreaterThan(0);
    expect(a.facts['牵头单位']).toBe('省商务厅');
    expect(a.facts['可咨询']).toBe('省商务厅');

    const plain = await conversation('sms').say('环评审批一般要多少个工作日？');
    expect(plain.text.split('\n')[0]).toBe('《行动计划》没有规定办理时限。与此相关的是：');
    for (const q of quoted) expect(plain.text).toContain(q);
    expect(plain.text).toContain('请向负责这项工作的牵头单位省商务厅咨询');

    const original = await c.say('原文');
    const originalText = original.card!.body.map((b) => b.text ?? '').join('\n');
    for (const q of quoted) expect(originalText).toContain(q);
    expect(original.card?.body[0].text).toBe('5.2 优化服务环境');
    expect(original.facts['可咨询']).toBeUndefined();
  });

  test('in English: the same on the card, and the original-text button quotes the cited sentence', async () => {
    const c = conversation('webchat');
    const a = await c.say('How many working days does the one-window acceptance take?');
    expect(a.text).toBe('The plan does not set out processing times.');
    expect(a.card!.body[2].text).toBe('The plan does not set out processing times.');
    expect(a.facts.Ask).toBe('Department of Commerce of Shandong Province (省商务厅)');
    const quoted = a
      .card!.body.map((b) => b.text ?? '')
      .filter((t) => t.startsWith('「'))
      .map((t) => t.slice(1, -1));
    expect(quoted).toHaveLength(1);

    const original = await c.say({ type: 'message', value: a.card?.actions[2].data });
    expect(original.text).toMatch(/^Original text of item 5\.2/);
    expect(original.card!.body.map((b) => b.text ?? '').join('\n')).toContain(quoted[0]);
  });
});
