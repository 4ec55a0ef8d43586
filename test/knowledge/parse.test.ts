import fs from 'node:fs';
import path from 'node:path';
import { parsePlan } from '../../knowledge/plan/parse';
import { PlanError } from '../../knowledge/plan/types';
import { DEFAULT_SOURCE } from '../../knowledge/store';

const realText = fs.readFileSync(DEFAULT_SOURCE, 'utf8');
const plan = parsePlan(realText);

// The plan's 23 items as published: id, title, responsible units in the plan's order (lead first).
const EXPECTED: Array<[string, string, string[]]> = [
  ['1.1', '创新行政管理体制', ['省编办', '省发展改革委', '省国土资源厅', '省住房城乡建设厅', '省商务厅']],
  ['1.2', '创新用人机制', ['省人力资源社会保障厅', '省编办', '省财政厅', '省教育厅', '省科技厅', '省商务厅']],
  ['1.3', '推行市场化开发运营机制', ['省财政厅', '省发展改革委', '省商务厅', '省金融办', '人民银行济南分行']],
  ['1.4', '加快监管体制改革', ['省编办', '省发展改革委', '省科技厅', '省民政厅', '省商务厅', '省工商局', '省法制办', '省知识产权局']],
  ['2.1', '提高利用投资质量和水平', ['省商务厅', '省发展改革委', '省经济和信息化委']],
  [
    '2.2',
    '转变外贸发展方式',
    ['省商务厅', '省发展改革委', '省经济和信息化委', '省科技厅', '省工商局', '青岛海关', '济南海关', '山东出入境检验检疫局'],
  ],
  ['2.3', '拓展海外发展空间', ['省商务厅', '省发展改革委', '省经济和信息化委']],
  ['2.4', '加快国际合作园区建设', ['省商务厅', '省发展改革委', '省经济和信息化委', '省科技厅', '省环保厅']],
  ['3.1', '提升产业核心竞争力', ['省经济和信息化委', '省发展改革委', '省科技厅', '省商务厅', '省环保厅', '省金融办']],
  [
    '3.2',
    '推进创新驱动发展',
    [
      '省科技厅',
      '省发展改革委',
      '省经济和信息化委',
      '省教育厅',
      '省人力资源社会保障厅',
      '省商务厅',
      '省工商局',
      '省质监局',
      '省金融办',
      '省知识产权局',
    ],
  ],
  ['3.3', '打造特色产业园区、特色小镇', ['省商务厅', '省发展改革委', '省经济和信息化委', '省科技厅', '省住房城乡建设厅', '省环保厅']],
  ['4.1', '坚持规划引领', ['省发展改革委', '省经济和信息化委', '省国土资源厅', '省住房城乡建设厅', '省商务厅', '省环保厅']],
  ['4.2', '鼓励绿色低碳循环发展', ['省环保厅', '省发展改革委', '省经济和信息化委', '省科技厅', '省财政厅', '省住房城乡建设厅', '省商务厅']],
  ['4.3', '完善土地开发利用机制', ['省国土资源厅', '省发展改革委', '省住房城乡建设厅', '省商务厅']],
  ['4.4', '推动产城融合发展', ['省发展改革委', '省国土资源厅', '省住房城乡建设厅', '省商务厅']],
  ['5.1', '完善法治环境', ['省法制办', '省发展改革委', '省编办', '省科技厅', '省商务厅', '省工商局']],
  [
    '5.2',
    '优化服务环境',
    [
      '省商务厅',
      '省发展改革委',
      '省编办',
      '省财政厅',
      '省国土资源厅',
      '省住房城乡建设厅',
      '省环保厅',
      '省地税局',
      '省工商局',
      '省法制办',
      '省国税局',
    ],
  ],
  [
    '5.3',
    '加大政策支持',
    [
      '省财政厅',
      '省发展改革委',
      '省经济和信息化委',
      '省科技厅',
      '省人力资源社会保障厅',
      '省国土资源厅',
      '省商务厅',
      '省环保厅',
      '省外办',
      '省金融办',
      '人民银行济南分行',
    ],
  ],
  ['5.4', '加强分类指导', ['省商务厅', '省发展改革委', '省经济和信息化委', '省科技厅', '省国土资源厅', '省住房城乡建设厅', '省环保厅']],
  [
    '5.5',
    '实施动态管理',
    [
      '省商务厅',
      '省发展改革委',
      '省经济和信息化委',
      '省财政厅',
      '省科技厅',
      '省国土资源厅',
      '省住房城乡建设厅',
      '省环保厅',
      '省统计局',
      '省知识产权局',
    ],
  ],
  ['O.1', '加强组织领导', []],
  ['O.2', '强化分工落实', []],
  ['O.3', '加强督导检查', []],
];

const item = (id: string) => plan.items.find((i) => i.id === id)!;

describe('parsing the real plan', () => {
  test('finds all 23 items (20 tasks, 3 组织实施) in document order', () => {
    expect(plan.items.map((i) => i.id)).toEqual(EXPECTED.map(([id]) => id));
    expect(plan.items.filter((i) => i.section === 'tasks')).toHaveLength(20);
    expect(plan.items.filter((i) => i.section === 'organization')).toHaveLength(3);
  });

  test.each(EXPECTED)('item %s: title %s, units in the plan’s order, lead first', (id, title, units) => {
    const it = item(id);
    expect(it.title).toBe(title);
    expect(it.units).toEqual(units);
    expect(it.lead).toBe(units[0] ?? null);
    expect(it.coUnits).toEqual(units.slice(1));
  });

  test('reads the five actions with their titles', () => {
    expect(plan.actions.map((a) => a.title)).toEqual([
      '体制机制创新行动',
      '开放引领行动',
      '产业转型升级行动',
      '绿色集约发展行动',
      '营商环境优化行动',
    ]);
  });

  test('reads the document facts', () => {
    expect(plan.document).toMatchObject({
      title: '山东省经济开发区转型升级五年行动计划',
      docNumber: '鲁政办字〔2016〕202号',
      issuer: '山东省人民政府办公厅',
      signedDate: '2016-11-16',
      printedDate: '2016-11-16',
      publication: '此件公开发布',
      leadRule: '排在首位的部门为牵头部门',
      basis: '《国务院办公厅关于完善国家级经济技术开发区考核制度促进创新驱动发展的指导意见》（国办发〔2016〕14号）',
    });
    expect(plan.document.addressees).toEqual([
      '各市人民政府',
      '各县（市、区）人民政府',
      '省政府各部门、各直属机构',
      '各大企业',
      '各高等院校',
    ]);
    expect(plan.document.copyTo).toEqual(['省委各部门', '省人大常委会办公厅', '省政协办公厅', '省法院', '省检察院', '各民主党派省委']);
  });

  test('reads the measurable goals of 总体要求: five actions, five years, 10 zones a year', () => {
    const figures = plan.overall!.goals.flatMap((g) => g.figures);
    expect(figures).toEqual(
      expect.arrayContaining([
        { value: 5, unit: '行动' },
        { value: 5, unit: '年' },
        { value: 10, unit: '家' },
      ]),
    );
    expect(plan.recurring).toContainEqual({
      itemId: null,
      keyword: '每年',
      sentence: '每年在全省重点培育10家转型升级创新发展示范开发区。',
    });
  });

  test('joins paragraphs cut by page breaks, mid-word and mid-sentence', () => {
    expect(item('1.2').text).toContain('加速培育适应产业创新发展要求的高素质人才队伍');
    expect(item('1.3').text).toContain('市场化长效运行机制。');
    expect(item('2.4').text).toContain('中美清洁能源合作产业园');
    expect(item('4.4').text).toContain('向城市综合功能区转型');
    expect(item('5.3').text).toContain('对符合条件的经济开发区PPP项目');
    // the cut right after O.3's short first line
    expect(item('O.3').text).toContain('建立经济开发区转型升级创新发展工作督导机制');
    for (const it of plan.items) expect(it.text).not.toMatch(/\n|责任单位/);
  });

  test('joins a unit name cut by a page break (省商务 / 厅) and a half-width closing bracket', () => {
    expect(item('3.1').units).toContain('省商务厅');
    expect(item('3.1').units.at(-1)).toBe('省金融办');
  });

  test('lists 省科技厅 once in 3.2 although the plan names it twice', () => {
    expect(item('3.2').units.filter((u) => u === '省科技厅')).toHaveLength(1);
  });

  test('the rule sentence 排在首位的部门为牵头部门 is no unit', () => {
    expect(plan.items.flatMap((i) => i.units).some((u) => /牵头|下同/.test(u))).toBe(false);
  });

  test('finds the deadlines with their target sentences, spaces and all (到 2020 年)', () => {
    expect(plan.deadlines.map((d) => [d.itemId, d.due])).toEqual([
      ['1.1', '2020-12-31'],
      ['1.2', '2020-12-31'],
    ]);
    expect(plan.deadlines[1].sentence).toMatch(/^到2020年，全省经济开发区在人才发展体制机制创新上取得突破性进展/);
  });

  test('finds the recurring duties: yearly assessment (5.5), regular supervision (O.3) and more', () => {
    const byItem = plan.recurring.map((r) => [r.itemId, r.keyword]);
    expect(byItem).toEqual(
      expect.arrayContaining([
        ['5.5', '每年'],
        ['O.3', '定期'],
        ['4.3', '定期'],
        ['4.2', '逐年'],
      ]),
    );
    expect(plan.recurring.find((r) => r.itemId === '5.5')!.sentence).toContain('连续两年考核后两位的兼并整合或退出');
  });
});

describe('parsing another plan of the same shape', () => {
  const small = parsePlan(fs.readFileSync(path.join(__dirname, '../fixtures/small-plan.txt'), 'utf8'));

  test('takes actions, items and units from the text, not from anything known in advance', () => {
    expect(small.document).toMatchObject({
      title: '某某市园区提质三年行动方案',
      docNumber: '某政办发〔2023〕7号',
      issuer: '某某市人民政府办公室',
      printedDate: '2023-03-05',
    });
    expect(small.actions.map((a) => a.title)).toEqual(['数字园区行动', '人才引育行动']);
    expect(small.items.map((i) => [i.id, i.title, i.units])).toEqual([
      ['1.1', '建设数据中心', ['市大数据局', '市工信局']],
      ['1.2', '推广电子证照', ['市政务服务局', '市大数据局']],
      ['2.1', '引进青年人才', ['市人社局', '市教育局']],
      ['O.1', '加强领导', []],
    ]);
    expect(small.items[1].text).toContain('便利度和满意度');
    expect(small.deadlines.map((d) => [d.itemId, d.year])).toEqual([['1.1', 2025]]);
    expect(small.recurring.map((r) => [r.itemId, r.keyword])).toEqual([
      [null, '每年'],
      ['1.1', '每年'],
      ['2.1', '定期'],
    ]);
    expect(small.overall!.goals.flatMap((g) => g.figures)).toEqual(
      expect.arrayContaining([
        { value: 3, unit: '年' },
        { value: 2, unit: '行动' },
        { value: 5, unit: '家' },
      ]),
    );
  });
});

describe('refusing what is not a plan', () => {
  const refusal = (text: string) => {
    try {
      parsePlan(text);
    } catch (err) {
      expect(err).toBeInstanceOf(PlanError);
      return (err as Error).message;
    }
    throw new Error('the source was accepted');
  };

  test('an empty source', () => expect(refusal('  \n\n ')).toMatch(/empty/));
  test('binary data', () => expect(refusal('PK\u0003\u0004\u0000\u0000binary')).toMatch(/binary/));
  test('an HTML page', () => expect(refusal('<!DOCTYPE html><html><body><p>二、主要任务</p></body></html>')).toMatch(/HTML/));
  test('plain prose with no sections', () => expect(refusal('这是一篇普通的文章。\n没有任何章节。')).toMatch(/no numbered sections/));
  test('a document without 主要任务', () => expect(refusal(realText.replace('二、主要任务', '二、工作安排'))).toMatch(/no 主要任务/));
  test('a document without any 责任单位', () => expect(refusal(realText.replace(/[（(]责任单位[^）)]*[）)]/g, ''))).toMatch(/责任单位/));
  test('an item out of order, with its line number', () =>
    expect(refusal(realText.replace('2. 转变外贸发展方式', '5. 转变外贸发展方式'))).toMatch(/^line 49: item 5 is out of order/));
  test('an action out of order, with its line number', () =>
    expect(refusal(realText.replace('（三）产业转型升级行动', '（四）产业转型升级行动'))).toMatch(/^line 57: action/));
  test('an unclosed 责任单位 list, with its line number', () =>
    expect(refusal(realText.replace('省经济和信息化委）\n\n4. 加快国际', '省经济和信息化委\n\n4. 加快国际'))).toMatch(
      /^line 51: the 责任单位 list is not closed/,
    ));
});
