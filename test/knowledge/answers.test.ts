import path from 'node:path';
import { type Database, openDatabase } from '../../db';
import { type Answer, type AnswerContext, AnswerEngine } from '../../knowledge/engine';
import { ensureKnowledgeBase } from '../../knowledge/store';
import { MAX_QUESTION_CHARS } from '../../knowledge/understand/normalize';
import { EnglishSpeller } from '../../knowledge/understand/spelling';
import { judge, readCases } from '../eval/judge';

let engine: AnswerEngine;
let db: Database;

beforeAll(async () => {
  db = await openDatabase(':memory:');
  engine = new AnswerEngine({ plan: await ensureKnowledgeBase(db) });
});
afterAll(() => db.close());

/** Asks the questions in order, carrying each answer's context to the next, as a chat does. */
function conversation(questions: string[]): Answer[] {
  let context: AnswerContext = {};
  return questions.map((q) => {
    const a = engine.answer(q, context);
    context = a.context;
    return a;
  });
}

describe('answer quality on question sets', () => {
  test.each([
    ['our own set', path.join(__dirname, '../eval/questions.jsonl')],
    ['the example set (a copy of the shared one)', path.join(__dirname, '../eval/dev.jsonl')],
    ['the set written from the plan alone', path.join(__dirname, '../eval/fresh.jsonl')],
  ])('%s: at least 95%% right', (_name, file) => {
    const cases = readCases(file);
    const misses = cases.map((c) => ({ c, why: judge(c, engine.answer(c.q)) })).filter((r) => r.why.length);
    const rate = 1 - misses.length / cases.length;
    if (rate < 0.95) console.log(misses.map((m) => `${m.c.id} ${m.c.q}: ${m.why.join('; ')}`).join('\n'));
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });
});

describe('who leads', () => {
  test('names the lead with its successor, the co-responsible units, the item and the citation', () => {
    const a = engine.answer('谁牵头土地任务？');
    expect(a).toMatchObject({ lang: 'zh', intent: 'lead', status: 'answered', taskIds: ['4.3'] });
    expect(a.departments).toEqual(['省国土资源厅', '省发展改革委', '省住房城乡建设厅', '省商务厅']);
    expect(a.answer).toContain('省国土资源厅（现省自然资源厅）');
    expect(a.answer).toContain('完善土地开发利用机制');
    expect(a.answer).toContain('《行动计划》二（四）3');
  });

  test('understands traditional characters, typos and item numbers in several notations', () => {
    expect(engine.answer('誰牽頭土地任務').taskIds[0]).toBe('4.3');
    expect(engine.answer('特色小真谁牵头').departments[0]).toBe('省商务厅');
    // A typo in a colloquial word of the glossary (招商引资), not in the plan's own text.
    expect(engine.answer('招商引姿谁牵头')).toMatchObject({ status: 'answered', taskIds: ['2.1'] });
    for (const q of ['4.3谁牵头', '（四）3的牵头单位', '第四项行动第3条谁牵头', 'who leads item 4.3', '四（3）牵头单位', '四之三谁牵头']) {
      expect(engine.answer(q).taskIds[0]).toBe('4.3');
    }
  });

  test('a long question that says who is asking before what is asked still finds its item', () => {
    const a = engine.answer(
      '我们是一家做动力电池的外资企业，正在考虑落户烟台那边的开发区，想问一下项目审批能不能在一个窗口把手续都办了，不用一个个部门去跑？',
    );
    expect(a.status).toBe('answered');
    expect(a.taskIds[0]).toBe('5.2');
    // Much of it is the investor's own situation; the one item it points to stands far above the rest.
    const land = engine.answer('我们公司准备在开发区拿地建二期厂房，听说现在新增用地指标很紧张，规划里对新项目用地是怎么安排的？');
    expect(land).toMatchObject({ status: 'answered', taskIds: ['4.3'] });
  });

  test('reads English typos and "responsible for" as the who-leads question they are', () => {
    const typo = engine.answer('Who leads the foriegn trade transformation task?');
    expect(typo).toMatchObject({ intent: 'lead', taskIds: ['2.2'] });
    expect(typo.departments[0]).toBe('省商务厅');
    expect(engine.answer('which departmnt is responsible for land use?')).toMatchObject({ intent: 'lead', taskIds: ['4.3'] });
    expect(engine.answer('who else is responsible for land use?')).toMatchObject({ intent: 'co_units', taskIds: ['4.3'] });
    // "planning" (规划, item 4.1) is a topic, though its stem is the stopword "plan" (the document).
    expect(engine.answer('Who is in charge of planning?')).toMatchObject({ intent: 'lead', taskIds: ['4.1'] });
    // Another form of a word it knows is no typo: "protect" (protection) is not "project".
    const speller = new EnglishSpeller(['protection', 'project', 'foreign']);
    expect(['protect', 'protected', 'foriegn'].map((w) => speller.correct(w))).toEqual(['protect', 'protected', 'foreign']);
    // A real word the assistant does not know is not bent into one it knows.
    expect(engine.answer('What is the weather like today?').taskIds).toEqual([]);
  });

  test('answers in English, with the Chinese names in brackets', () => {
    const a = engine.answer('Who leads the land-use task?');
    expect(a.lang).toBe('en');
    expect(a.answer).toMatch(/^The lead for item 4\.3 "Improve the land development and utilization mechanism"/);
    expect(a.answer).toContain('(省国土资源厅; now Shandong Provincial Department of Natural Resources)');
  });
});

describe('what a unit does', () => {
  test('resolves successor names and abbreviations to the plan’s units, with counts', () => {
    const land = engine.answer('自然资源厅牵头哪些任务');
    expect(land).toMatchObject({ intent: 'unit_leads', taskIds: ['4.3'], departments: ['省国土资源厅'] });
    expect(land.answer).toMatch(/牵头1项任务，配合7项/);
    const market = engine.answer('市场监管局参与哪些任务');
    expect(market.departments).toEqual(['省工商局', '省质监局']);
    expect(market.taskIds.sort()).toEqual(['1.4', '2.2', '3.2', '5.1', '5.2']);
    expect(engine.answer('Which tasks does the Development and Reform Commission lead?').taskIds).toEqual(['4.1', '4.4']);
  });
});

describe('follow-ups keep the context', () => {
  test('谁牵头土地任务？ → 配合单位有哪些？ → 有什么时间要求？ → 原文', () => {
    const [, co, deadline, original] = conversation(['谁牵头土地任务？', '配合单位有哪些？', '有什么时间要求？', '原文']);
    expect(co).toMatchObject({ intent: 'co_units', taskIds: ['4.3'] });
    expect(co.answer).toContain('配合单位（3个）：省发展改革委、省住房城乡建设厅、省商务厅');
    expect(deadline).toMatchObject({ intent: 'deadline', taskIds: ['4.3'] });
    expect(deadline.answer).toContain('定期开展经济开发区节约集约用地考核评价工作');
    expect(original.answer).toContain('建立项目入园联席审查制度。');
  });

  test('省商务厅牵头哪些任务？ → 第二个详细说说', () => {
    const [list, second] = conversation(['省商务厅牵头哪些任务？', '第二个详细说说']);
    expect(list.taskIds.slice(0, 2)).toEqual(['2.1', '2.2']);
    expect(second.taskIds[0]).toBe('2.2');
    expect(second.answer).toContain('转变外贸发展方式');
  });

  test('"what about the co-responsible units?" in English', () => {
    const [, co] = conversation(['Who leads the land-use task?', 'what about the co-responsible units?']);
    expect(co).toMatchObject({ lang: 'en', intent: 'co_units', taskIds: ['4.3'] });
    expect(co.answer).toMatch(/^Co-responsible for item 4\.3/);
  });
});

describe('content and procedures', () => {
  test('quotes the sentences that answer, not the whole paragraph', () => {
    const a = engine.answer('项目审批能不能在一个窗口办完');
    expect(a.taskIds[0]).toBe('5.2');
    expect(a.answer).toContain('推行一个窗口受理、集中办理、限时办结、统一反馈机制');
    expect(a.answer).not.toContain('不断完善涉外医疗、教育、文化、娱乐等设施建设');
    expect(a.answer).toContain('《行动计划》二（五）2');
    // The sentence that answers comes first, though the item says something else before it.
    const [, firstQuote] = engine.answer('考核后两位怎么处理').answer.split('\n');
    expect(firstQuote).toContain('连续两年考核后两位的兼并整合或退出');
  });

  test('the assessment rule of 5.5', () => {
    const a = engine.answer('连续两年考核后两位会怎样');
    expect(a.taskIds[0]).toBe('5.5');
    expect(a.answer).toContain('连续两年考核后两位的兼并整合或退出');
  });

  test('deadlines asked of the whole plan list every deadline and recurring duty', () => {
    const a = engine.answer('What deadlines does the plan set?');
    expect(a.status).toBe('answered');
    expect(a.taskIds).toEqual(expect.arrayContaining(['1.1', '1.2', '5.5', 'O.3']));
    expect(a.answer).toContain('by the end of 2020');
  });

  test('a year the plan sets deadlines for lists what is due then; an item with that deadline answers alone', () => {
    const a = engine.answer('到2020年开发区要实现哪些目标');
    expect(a).toMatchObject({ intent: 'deadline', status: 'answered', taskIds: ['1.1', '1.2'] });
    expect(a.answer).toContain('到2020年，全省经济开发区基本建立');
    expect(engine.answer('人才方面到2020年要达到什么').taskIds).toEqual(['1.2']);
  });

  test('document facts', () => {
    const a = engine.answer('这份文件的文号是什么');
    expect(a.intent).toBe('document');
    expect(a.taskIds).toEqual([]);
    expect(a.answer).toContain('鲁政办字〔2016〕202号');
    expect(a.answer).toContain('2016年11月16日');
    // Asked with words that items also use (根据…制定), the document still answers, with its basis.
    const basis = engine.answer('这个计划是根据哪个文件制定的');
    expect(basis).toMatchObject({ intent: 'document', taskIds: [] });
    expect(basis.answer).toContain('国办发〔2016〕14号');
    // A plan that an item names is that item's business, not the document's.
    expect(engine.answer('文件里说的山东省推进工业转型升级行动计划是哪几年的').taskIds[0]).toBe('3.1');
  });
});

describe('when it should not guess', () => {
  test('close items get a clarification with the options, and no department', () => {
    const a = engine.answer('平台建设谁牵头');
    expect(a.status).toBe('clarify');
    expect(a.departments).toEqual([]);
    expect(a.taskIds.length).toBeGreaterThanOrEqual(2);
    expect(a.suggestions).toHaveLength(a.taskIds.length);
    expect(a.answer).toMatch(/^您是不是想问/);
  });

  test('out-of-scope questions get no item and say what the assistant can do', () => {
    for (const q of ['北京今天限行尾号是多少', 'How do I bake sourdough bread?', '江苏省开发区的扶持政策有哪些']) {
      const a = engine.answer(q);
      expect(a.taskIds).toEqual([]);
      expect(a.departments).toEqual([]);
      expect(a.answer).toMatch(/行动计划|action plan/i);
    }
    expect(engine.answer('江苏省开发区的扶持政策有哪些').answer).toContain('江苏');
  });

  test('people and contact details are not in the plan, and it says so instead of listing a unit’s tasks', () => {
    for (const q of ['现任商务厅厅长是谁', '自然资源厅的电话多少', 'What is the website of the DRC?']) {
      const a = engine.answer(q);
      expect(a).toMatchObject({ status: 'out_of_scope', taskIds: [], departments: [] });
      expect(a.answer).toMatch(/不含负责人姓名、电话|names no officials/);
    }
    // Only whole English words count: a smartphone industry is no phone number.
    expect(engine.answer('Who leads the smartphone industry task?').answer).not.toMatch(/names no officials/);
  });
});

describe('bad input', () => {
  test.each([
    ['empty', ''],
    ['blank', '   \n\t  '],
    ['emoji only', '😀😀🎉'],
    ['control characters', '\u0000\u0007\u001b[31m谁牵头\u0000土地任务'],
    ['SQL-like text', "'; DROP TABLE kb_items; --"],
    ['mixed Chinese and English', '4.3 的 lead 是谁'],
    ['a lone surrogate', '\ud800土地'],
    // One endless "word" gets a reply like any other; how long it takes is in the knowledge bench.
    ['a 10,000-letter word', 'x'.repeat(10_000)],
  ])('%s: a sensible reply, never an exception', (_name, q) => {
    const a = engine.answer(q);
    expect(a.answer.trim().length).toBeGreaterThan(0);
    expect(['zh', 'en']).toContain(a.lang);
  });

  test('control characters are dropped, not read', () => {
    expect(engine.answer('\u0000\u0007谁牵头\u0000土地任务').taskIds[0]).toBe('4.3');
  });

  test('a 10,000-character question is cut at the documented length and the reply says so', () => {
    const a = engine.answer(`谁牵头土地任务？${'啊'.repeat(10_000)}`);
    expect(a.truncated).toBe(true);
    expect(a.question.length).toBe(MAX_QUESTION_CHARS);
    expect(a.answer).toContain(`超过${MAX_QUESTION_CHARS}字`);
  });
});

describe('the conversation context', () => {
  test('an item that no longer exists (the plan was rebuilt) is ignored, not an error', () => {
    const a = engine.answer('配合单位有哪些？', { itemId: '9.9', itemIds: ['9.8'] });
    expect(a.taskIds).not.toContain('9.9');
    expect(a.answer.length).toBeGreaterThan(0);
  });

  test('a greeting in between does not make the assistant forget what "it" was', () => {
    const [, , original] = conversation(['谁牵头土地任务？', '你好', '原文']);
    expect(original).toMatchObject({ intent: 'original', taskIds: ['4.3'] });
  });

  test('a message with no words is answered in the language of the conversation', () => {
    const [, bare] = conversation(['Who leads the land-use task?', '4.3']);
    expect(bare.lang).toBe('en');
    expect(bare.answer).toMatch(/4\.3/);
  });
});

describe('a topic that is a unit’s own business', () => {
  test('“who is responsible for environmental protection” gets the item the environment department leads, not an item that lists 环保 among industries', () => {
    const a = engine.answer('谁负责开发区的环保？');
    expect(a.taskIds[0]).toBe('4.2');
    expect(a.answer).toContain('省环保厅（现省生态环境厅）');
  });

  test('“which department handles …” asks who leads, so the item that is plainly about it is answered, not a choice', () => {
    const a = engine.answer('Which department handles foreign investment?');
    expect(a).toMatchObject({ status: 'answered', taskIds: ['2.1'] });
  });
});

describe('what a newcomer found repetitive or odd', () => {
  test('the next questions offered after an answer do not repeat the question just answered', () => {
    const deadline = engine.answer('When is the deadline for the administrative system reform?');
    expect(deadline.taskIds[0]).toBe('1.1');
    expect(deadline.suggestions).not.toContain('What are the deadlines of 1.1?');
    expect(deadline.suggestions).toContain('Who else is responsible for 1.1?');
    expect(engine.answer('4.3的配合单位有哪些？').suggestions).not.toContain('4.3的配合单位有哪些？');
  });

  test('a unit that leads nothing is said to lead nothing, not “0 items”', () => {
    const a = engine.answer('市场监管局参与哪些任务');
    expect(a.answer).toContain('不牵头任务，配合5项');
    expect(a.answer).not.toMatch(/牵头0项/);
    expect(engine.answer('Which tasks does the market regulation administration take part in?').answer).toContain(
      'leads no item of the plan',
    );
  });

  test('the document’s signing and issuing date, being one day, is given once', () => {
    const a = engine.answer('What are the five actions?');
    expect(a.answer.match(/16 November 2016/g)).toHaveLength(1);
    expect(engine.answer('这个文件是什么时候印发的？').answer).toContain('成文和印发日期：2016年11月16日');
  });

  test('an English answer quotes the sentence that answers whole, and a shortened sentence ends at a clause', () => {
    const a = engine.answer('Can investors get approvals through one window?');
    const quoted = /From the text: 「(.+)」/.exec(a.answer)![1];
    expect(quoted.endsWith('。')).toBe(true);
    for (const line of engine.answer('What are all the deadlines of the plan?').answer.split('\n')) {
      if (line.includes('…')) expect(line).toMatch(/[\u3400-\u9fff]…/);
    }
  });
});

test('税务部门, the merged tax authority, is the plan’s two tax bureaus, not a near miss of 商务部门', () => {
  const a = engine.answer('现在国税地税合并成税务局了，计划里税务部门参与了哪几项任务？');
  expect(a.departments).toEqual(['省地税局', '省国税局']);
  expect(a.taskIds).toEqual(['5.2']);
});

describe('coverage: whether the plan answers what was asked', () => {
  test('the plan answers who leads: coverage full', () => {
    expect(engine.answer('谁牵头土地任务？').coverage).toBe('full');
    expect(engine.answer('Who leads the land-use task?').coverage).toBe('full');
  });

  test('a specific ask on a topic the plan covers: partial, saying first what the plan does not say, then the sentence, then whom to ask', () => {
    const a = engine.answer('环评审批一般要多少个工作日？');
    expect(a.status).toBe('answered');
    expect(a.coverage).toBe('partial');
    const lines = a.answer.split('\n');
    expect(lines[0]).toBe('《行动计划》没有规定办理时限。与此相关的是：');
    expect(lines[1]).toContain('《行动计划》二（五）2');
    expect(a.quotes.length).toBeGreaterThan(0);
    for (const q of a.quotes) expect(a.answer).toContain(q);
    expect(lines.at(-1)).toBe('具体的办理时限，请向负责这项工作的牵头单位省商务厅咨询。');
    expect(a.notCovered).toEqual({ asks: ['办理时限'], statement: '《行动计划》没有规定办理时限。', unit: '省商务厅' });
  });

  test('in English, the same order, the lead by its English name', () => {
    const a = engine.answer('How many working days does the one-window acceptance take?');
    expect(a.coverage).toBe('partial');
    expect(a.answer).toMatch(/^The plan does not set out processing times\. What it does say on the subject:\n/);
    expect(a.answer.split('\n').at(-1)).toBe(
      'For processing times, ask the unit that leads this work: Department of Commerce of Shandong Province (省商务厅).',
    );
  });

  test('a specific ask that only shares a word with an item (出口 of 出口退税) is not answered partly: unknown', () => {
    const a = engine.answer('出口退税一般多少天能到账？要准备哪些单证？');
    expect(a.status).toBe('unknown');
    expect(a.coverage).toBeNull();
    expect(a.taskIds).toEqual([]);
  });

  test('the ask is judged by the sentences the reply quotes, not by another sentence of the item', () => {
    // 5.5 names the qualities a zone needs to upgrade; the same item says nothing of how its evaluator is chosen.
    const upgrade = engine.answer('省级开发区要升级为国家级经开区，按计划需要符合什么条件？');
    expect(upgrade).toMatchObject({ taskIds: ['5.5'], coverage: 'full' });
    expect(upgrade.answer).toContain('经济综合实力强、产业特色鲜明、发展质量高');
    expect(engine.answer('开发区考核的第三方评价机构是哪家？怎么选出来的？')).toMatchObject({ taskIds: ['5.5'], coverage: 'partial' });
  });

  test('what happens when a duty is missed: answered where the plan sets a consequence, partial where it sets none', () => {
    expect(engine.answer('每年考核排后三位的开发区会怎样').coverage).toBe('full');
    const a = engine.answer('企业年报公示每年截止到几月几号？逾期不报会怎样？');
    expect(a).toMatchObject({ taskIds: ['1.4'], coverage: 'partial' });
    expect(a.notCovered?.asks).toEqual(['日期和申报时间', '逾期或违规的后果']);
  });

  test('找谁 is answered with the lead to ask, and not from an item that only shares a word with the question', () => {
    const a = engine.answer('高层次人才引进走绿色通道要找谁');
    expect(a).toMatchObject({ taskIds: ['1.2'], coverage: 'partial' });
    expect(a.answer.split('\n').at(-1)).toBe('具体的联系人和联系方式，请向负责这项工作的牵头单位省人力资源社会保障厅咨询。');
    expect(engine.answer('企业被仿冒商标了找谁？')).toMatchObject({ status: 'unknown', coverage: null, taskIds: [] });
  });

  test('a compound the plan never uses is not its topic through one part of it (高新技术 by 技术 of 2.2): unknown, offering no choice', () => {
    expect(engine.answer('我们公司想在开发区申请高新技术企业认定，需要准备哪些材料？')).toMatchObject({
      status: 'unknown',
      coverage: null,
      taskIds: [],
    });
  });

  test('a foreign-invested company is what the plan says of foreign investment (2.1), wherever in Shandong it sets up', () => {
    const zh = engine.answer('外资企业在济南设立公司需要多少注册资本？');
    expect(zh).toMatchObject({ coverage: 'partial', notCovered: { unit: '省商务厅' } });
    expect(zh.taskIds[0]).toBe('2.1');
    expect(zh.answer).toMatch(/^《行动计划》没有规定金额、比例和补贴标准。/);
    const en = engine.answer('A foreign company wants to set up in Jinan: what registered capital is needed?');
    expect(en).toMatchObject({ coverage: 'partial' });
    expect(en.taskIds[0]).toBe('2.1');
  });

  test('a near miss does not turn a word of the plan into another: 高新技术企业 is no typo of 高新技术产业', () => {
    expect(engine.answer('国家高新技术企业认定需要什么条件')).toMatchObject({ status: 'unknown', taskIds: [] });
    expect(engine.answer('特色小真有什么政策').taskIds[0]).toBe('3.3');
  });

  test('out of scope and clarifications carry no coverage', () => {
    expect(engine.answer('山东现在最低工资标准是多少？').coverage).toBeNull();
  });

  test('specific.jsonl: no question the plan does not answer gets full; at least 90% get the labelled coverage', () => {
    const cases = readCases(path.join(__dirname, '../eval/specific.jsonl'));
    const answers = cases.map((c) => ({ c, a: engine.answer(c.q) }));
    const fullForLess = answers.filter(({ c, a }) => c.coverage !== 'full' && a.coverage === 'full').map(({ c }) => c.id);
    expect(fullForLess).toEqual([]);
    const right = answers.filter(({ c, a }) => (a.coverage ?? 'none') === c.coverage).length;
    expect(right / cases.length).toBeGreaterThanOrEqual(0.9);
  });
});
